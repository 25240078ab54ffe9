import { checkInteger } from '../../config/checkInteger.js';
import { ConfigurationError } from '../../errors.js';
import { checkPrefix, DEFAULT_KEY_PREFIX } from '../keys.js';
import type { RedisClientLike } from './driver.js';

/** A Redis Cluster seed node. */
export interface ClusterNodeAddress {
  host: string;
  port: number;
}

/**
 * Options of {@link RedisCounterStore}. Give exactly one of `url`, `cluster`
 * or `client`.
 */
export interface RedisCounterStoreOptions<C extends RedisClientLike = RedisClientLike> {
  /** `redis://[user:pass@]host:port[/db]` of a standalone server; the store opens and closes the connection. */
  url?: string;
  /** Seed nodes of a Redis Cluster; the store opens and closes the cluster client. */
  cluster?: readonly ClusterNodeAddress[];
  /**
   * An ioredis `Redis` or `Cluster` client (ioredis 5 or 6), used as it is
   * and left open by `close()`. It must not use ioredis' `keyPrefix` (use `prefix`).
   */
  client?: C;
  /** Prefix of every key; `clear()` deletes exactly the keys under it. Default `'et:'`. */
  prefix?: string;
  /** ioredis `RedisOptions` for a connection the store opens (with `url`, or per node with `cluster`). Default `{}` plus auto-pipelining. */
  redisOptions?: object;
  /** ioredis `ClusterOptions` (with `cluster`). Default `{}` plus auto-pipelining. */
  clusterOptions?: object;
  /**
   * How long the marker of an applied batch part lives, ms (rounded up to
   * whole seconds; the same unit as `MemoryCounterStore`'s). A retry of
   * the same batch within this window is skipped, so it must exceed the
   * longest retry window (Metrics checks; about 103 s with its defaults).
   * Markers are small keys, one per script part (one per flush on a
   * standalone server, one per slot touched in a Cluster), so keep it short.
   * Default 600 000 (10 minutes).
   */
  dedupeWindowMs?: number;
  /** @deprecated The same window in seconds; use `dedupeWindowMs`. Give one of the two. */
  dedupeTtlSeconds?: number;
  /** Most fields/members one script call carries (bounds how long Redis is busy per call). Default 2000, at most 4000. */
  maxItemsPerScript?: number;
  /** COUNT hint of SCAN for `clear()` and deletes. Default 1000. */
  scanCount?: number;
}

/** How long `RedisCounterStore.close()` waits for QUIT before it disconnects hard, ms. */
export const DEFAULT_REDIS_CLOSE_TIMEOUT_MS = 2000;

/** Defaults of {@link RedisCounterStoreOptions}. */
export const DEFAULT_REDIS_COUNTER_STORE_OPTIONS = Object.freeze({
  prefix: DEFAULT_KEY_PREFIX,
  dedupeTtlSeconds: 600,
  maxItemsPerScript: 2000,
  scanCount: 1000,
});

/** Options after defaults and validation. */
export interface ResolvedRedisCounterStoreOptions {
  prefix: string;
  dedupeTtlSeconds: number;
  maxItemsPerScript: number;
  scanCount: number;
}

function integer(option: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  return checkInteger(option, value, { min: 1, max });
}

/** Validates everything except the connection choice. */
export function resolveRedisCounterStoreOptions(options: RedisCounterStoreOptions): ResolvedRedisCounterStoreOptions {
  const d = DEFAULT_REDIS_COUNTER_STORE_OPTIONS;
  if (options.dedupeWindowMs !== undefined && options.dedupeTtlSeconds !== undefined) {
    throw new ConfigurationError('dedupeWindowMs', 'give dedupeWindowMs or the older dedupeTtlSeconds, not both');
  }
  const dedupeTtlSeconds = options.dedupeWindowMs === undefined
    ? integer('dedupeTtlSeconds', options.dedupeTtlSeconds, d.dedupeTtlSeconds)
    : Math.ceil(integer('dedupeWindowMs', options.dedupeWindowMs, d.dedupeTtlSeconds * 1000) / 1000);
  return {
    prefix: checkPrefix('prefix', options.prefix ?? d.prefix),
    dedupeTtlSeconds,
    maxItemsPerScript: integer('maxItemsPerScript', options.maxItemsPerScript, d.maxItemsPerScript, 4000),
    scanCount: integer('scanCount', options.scanCount, d.scanCount),
  };
}

/** Checks that exactly one way to connect is given and that it is usable. */
export function checkConnection(options: RedisCounterStoreOptions): 'url' | 'cluster' | 'client' {
  const given = (['url', 'cluster', 'client'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new ConfigurationError(
      given.length === 0 ? 'url' : given.join('/'),
      'give exactly one of `url` (redis://host:port), `cluster` ([{ host, port }, …]) or `client` (an ioredis Redis or Cluster)',
    );
  }
  const kind = given[0]!;
  if (kind === 'url' && (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url))) {
    throw new ConfigurationError('url', `expected redis://host:port or rediss://host:port, got ${JSON.stringify(options.url)}`);
  }
  if (kind === 'cluster') {
    const nodes = options.cluster;
    if (!Array.isArray(nodes) || nodes.length === 0 || nodes.some((n) => typeof n?.host !== 'string' || !Number.isInteger(n?.port))) {
      throw new ConfigurationError('cluster', 'expected a non-empty array of { host, port }');
    }
  }
  if (kind === 'client') {
    const client = options.client as { pipeline?: unknown; options?: { keyPrefix?: string; redisOptions?: { keyPrefix?: string } } };
    if (typeof client?.pipeline !== 'function') throw new ConfigurationError('client', 'expected an ioredis Redis or Cluster instance');
    if (client.options?.keyPrefix || client.options?.redisOptions?.keyPrefix) {
      throw new ConfigurationError('client', "the client uses ioredis' keyPrefix, which SCAN-based deletes cannot see; remove it and pass `prefix` to the store instead");
    }
  }
  return kind;
}
