import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options } from 'ajv';
import { ConfigurationError } from '../errors.js';
import type { TrustProxy } from '../integrations/clientIp.js';

/** What a key may do: `write` posts events, `read` uses the query API. */
export type Scope = 'write' | 'read';

/** A token bucket: `perSecond` requests refill, at most `burst` at once. */
export interface RateLimit {
  /** Requests per second a key may sustain. */
  perSecond: number;
  /** Requests a key may make at once (the bucket size). */
  burst: number;
}

/**
 * One API key. Give its SHA-256 (`sha256`, hex, from `hashKey(key)` or
 * `printf %s "$KEY" | sha256sum`), or, for development, the key itself
 * (`key`). Clients send `Authorization: Bearer <key>`.
 */
export interface ApiKeyConfig {
  /** Names the key in logs, in `context.ingest.key` and in the service's counters (never the secret). */
  id: string;
  /** Hex SHA-256 of the key. */
  sha256?: string;
  /** The key itself (development only; prefer `sha256`). */
  key?: string;
  /** What the key may do. */
  scopes: Scope[];
  /** This key's rate, over `limits.rateLimit`. */
  rateLimit?: RateLimit | false;
}

/** Limits of the service; defaults in {@link DEFAULT_SERVER_LIMITS}. */
export interface ServerLimits {
  /** Largest request body in bytes, after gunzip too. Default 1 MiB. */
  bodyBytes: number;
  /** Most events in one `POST /v1/events`. Default 2 000. */
  eventsPerRequest: number;
  /** Per-key token bucket over requests (shared in Redis when `metrics.store` is Redis); `false` for none. Default 100/s, burst 200. */
  rateLimit: RateLimit | false;
  /**
   * Backpressure: `POST /v1/events` answers 503 while any backend of the
   * tracker holds more than this many queued events. Default 5 000 (half the
   * default `delivery.maxQueueSize`).
   */
  queueHighWater: number;
  /** `Retry-After` of a 503, in seconds. Default 1. */
  retryAfterSeconds: number;
  /** How far ahead of the server clock a client `timestamp` may be, ms. Default 3 600 000 (one hour). */
  maxClockSkewMs: number;
}

/** The `server` section of a service configuration. */
export interface ServerSection {
  /** Interface to listen on. Default `'127.0.0.1'` (set `'0.0.0.0'` to serve other hosts). */
  host?: string;
  /** Port; 0 picks a free one. Default 8080. */
  port?: number;
  /** API keys. Default none (then every `/v1` route answers 401). */
  keys?: ApiKeyConfig[];
  /** Limits, over {@link DEFAULT_SERVER_LIMITS}. */
  limits?: Partial<ServerLimits>;
  /** Which proxies may set the client ip (`X-Forwarded-For`), as for the request middleware. Default `false`. */
  trustProxy?: TrustProxy;
  /** SIGTERM/close: how long to finish requests and flush before giving up, ms. Default 10 000. */
  shutdownTimeoutMs?: number;
  /** Fastify's pino logger: `false` (default for `createServer`), `true`, or pino options such as `{ level: 'info' }`. */
  logger?: boolean | Record<string, unknown>;
}

/** Defaults of {@link ServerLimits}. */
export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  bodyBytes: 1024 * 1024,
  eventsPerRequest: 2000,
  rateLimit: Object.freeze({ perSecond: 100, burst: 200 }),
  queueHighWater: 5000,
  retryAfterSeconds: 1,
  maxClockSkewMs: 3_600_000,
});

/** Defaults of {@link ServerSection}. */
export const DEFAULT_SERVER_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  shutdownTimeoutMs: 10_000,
  logger: false as boolean | Record<string, unknown>,
  trustProxy: false as TrustProxy,
});

/** The `server` section with defaults applied. */
export interface ResolvedServerSection {
  host: string;
  port: number;
  keys: readonly ApiKeyConfig[];
  limits: ServerLimits;
  trustProxy: TrustProxy;
  shutdownTimeoutMs: number;
  logger: boolean | Record<string, unknown>;
}

const RATE_LIMIT = {
  type: 'object',
  required: ['perSecond', 'burst'],
  additionalProperties: false,
  properties: { perSecond: { type: 'number', exclusiveMinimum: 0 }, burst: { type: 'integer', minimum: 1 } },
};

/** JSON Schema of the `server` section (the config check). */
export const SERVER_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'scopes'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
          sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
          key: { type: 'string', minLength: 8 },
          scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['write', 'read'] } },
          rateLimit: { anyOf: [RATE_LIMIT, { const: false }] },
        },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        bodyBytes: { type: 'integer', minimum: 1 },
        eventsPerRequest: { type: 'integer', minimum: 1 },
        rateLimit: { anyOf: [RATE_LIMIT, { const: false }] },
        queueHighWater: { type: 'integer', minimum: 1 },
        retryAfterSeconds: { type: 'integer', minimum: 1 },
        maxClockSkewMs: { type: 'integer', minimum: 0 },
      },
    },
    trustProxy: {},
    shutdownTimeoutMs: { type: 'integer', minimum: 1 },
    logger: { anyOf: [{ type: 'boolean' }, { type: 'object' }] },
  },
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;

/** `/limits/bodyBytes` → `server.limits.bodyBytes`; `/keys/0/id` → `server.keys[0].id`. */
function pathOf(prefix: string, error: ErrorObject): string {
  let path = prefix;
  for (const segment of error.instancePath.split('/').slice(1)) path += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  const params = error.params as { additionalProperty?: string; missingProperty?: string };
  if (params.additionalProperty !== undefined) path += `.${params.additionalProperty}`;
  if (params.missingProperty !== undefined) path += `.${params.missingProperty}`;
  return path;
}

/**
 * Applies defaults to the `server` section and checks it.
 *
 * @throws ConfigurationError naming the path (`server.limits.bodyBytes`).
 */
export function resolveServerSection(section: unknown, prefix = 'server'): ResolvedServerSection {
  if (section === undefined) section = {};
  if (compiled === undefined) {
    const require = createRequire(import.meta.url);
    const { Ajv: AjvClass } = require('ajv') as { Ajv: new (options: Options) => Ajv };
    compiled = new AjvClass({ allErrors: false, strict: true, allowUnionTypes: true, logger: false }).compile(SERVER_SECTION_SCHEMA);
  }
  if (!compiled(section)) {
    const error = compiled.errors![0]!;
    const params = error.params as { additionalProperty?: string };
    const message = params.additionalProperty !== undefined ? 'not a known option' : error.message ?? 'invalid';
    throw new ConfigurationError(pathOf(prefix, error), message);
  }
  const given = section as ServerSection;
  const ids = new Set<string>();
  (given.keys ?? []).forEach((key, index) => {
    if ((key.sha256 === undefined) === (key.key === undefined)) throw new ConfigurationError(`${prefix}.keys[${index}]`, 'give exactly one of `sha256` (hex SHA-256 of the key) or `key`');
    if (ids.has(key.id)) throw new ConfigurationError(`${prefix}.keys[${index}].id`, `the key id "${key.id}" is used twice`);
    ids.add(key.id);
  });
  return {
    host: given.host ?? DEFAULT_SERVER_OPTIONS.host,
    port: given.port ?? DEFAULT_SERVER_OPTIONS.port,
    keys: given.keys ?? [],
    limits: { ...DEFAULT_SERVER_LIMITS, ...given.limits },
    trustProxy: given.trustProxy ?? DEFAULT_SERVER_OPTIONS.trustProxy,
    shutdownTimeoutMs: given.shutdownTimeoutMs ?? DEFAULT_SERVER_OPTIONS.shutdownTimeoutMs,
    logger: given.logger ?? DEFAULT_SERVER_OPTIONS.logger,
  };
}
