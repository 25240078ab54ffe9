import { loadPeer, type PeerRequire } from '../../drivers/loadPeer.js';

/**
 * What eventtrack needs from an ioredis client passed as `client`: a
 * structural type, so a `Redis` or `Cluster` of ioredis 5 or 6 fits whatever
 * copy of ioredis eventtrack itself sees.
 */
export interface RedisClientLike {
  /** ioredis' connection status (`'ready'`, `'end'`, …). */
  readonly status: string;
  pipeline(): unknown;
}

/** The pipeline calls the store makes. */
export interface RedisPipeline {
  evalsha(...args: (string | number)[]): unknown;
  unlink(...keys: string[]): unknown;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** The socket of a connection, as ioredis keeps it. */
export interface RedisSocket {
  ref(): unknown;
  unref(): unknown;
  destroy(): unknown;
}

/** The client calls the store makes (ioredis 5 and 6 alike); internal. */
export interface RedisClient {
  readonly status: string;
  readonly isCluster?: boolean;
  readonly stream?: RedisSocket | null;
  pipeline(): RedisPipeline;
  script(subcommand: 'LOAD', script: string): Promise<unknown>;
  time(): Promise<[string, string]>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  hgetall(key: string): Promise<Record<string, string>>;
  get(key: string): Promise<string | null>;
  smembers(key: string): Promise<string[]>;
  pfcount(...keys: string[]): Promise<number>;
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  ping(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: (...args: never[]) => void): unknown;
}

/** A Cluster client, as the store uses it. */
export interface RedisClusterClient extends RedisClient {
  readonly isCluster: true;
  readonly slots: string[][];
  nodes(role?: 'master' | 'slave' | 'all'): RedisClient[];
  /** Reloads the slot map (CLUSTER SLOTS) and the node pool; concurrent calls share one reload. */
  refreshSlotsCache(callback?: (error?: Error | null) => void): void;
}

/** The part of the ioredis module the store uses. */
export interface IoredisModule {
  Redis: new (url: string, options: object) => RedisClient;
  Cluster: new (nodes: { host: string; port: number }[], options: object) => RedisClusterClient;
}

/** Supported majors, as named by the error when ioredis is missing. */
export const IOREDIS_RANGE = 'ioredis 5 or 6';

/**
 * Loads ioredis (on the first store that opens its own connection).
 * @throws ConfigurationError naming `ioredis` when it is not installed.
 */
export function loadIoredis(option: string, load?: PeerRequire): IoredisModule {
  return loadPeer<IoredisModule>('ioredis', option, IOREDIS_RANGE, load);
}
