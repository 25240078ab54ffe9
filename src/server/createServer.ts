import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, default as Fastify } from 'fastify';
import type * as PromClient from 'prom-client';
import type { MongoEventStore, MongoEventStoreOptions } from '../backends/mongodb/MongoEventStore.js';
import { ConfigurationError, EventTrackError } from '../errors.js';
import { compileTrustProxy } from '../integrations/clientIp.js';
import type { Metrics } from '../metrics/Metrics.js';
import type { Tracker } from '../tracker/Tracker.js';
import { ApiKeys, type ApiKey } from './auth.js';
import { buildServices, type MetricsSpec, type Services, type TrackerSpec } from './buildServices.js';
import { resolveEnvRefs } from './envRefs.js';
import { HttpError, httpError } from './HttpError.js';
import { Ingestor } from './ingest/Ingestor.js';
import { readBody } from './ingest/readBody.js';
import { MemoryRateLimiter, type RateLimiter } from './limits/RateLimiter.js';
import { RedisRateLimiter, type RedisScripting } from './limits/RedisRateLimiter.js';
import type { RouteRecord } from './openapi.js';
import { registerIngestRoute } from './routes/ingestRoute.js';
import { registerOpsRoutes } from './routes/opsRoutes.js';
import { registerReadRoutes } from './routes/readRoutes.js';
import type { RouteContext } from './routes/RouteContext.js';
import { resolveServerSection, type ResolvedServerSection, type Scope, type ServerSection } from './ServerConfig.js';
import { ServiceCounters } from './ServiceCounters.js';

/**
 * The service configuration (the `eventtrack.config.json` of `eventtrack serve`).
 * Any value may be `{ "env": "NAME" }`, read from the environment at start.
 */
export interface ServiceConfig {
  /** The tracker: options whose backends may be specs (`{ type: 'mongodb', options }`), or a Tracker. Default: a tracker without backends. */
  tracker?: TrackerSpec | Tracker;
  /** Where the query API reads metrics (and `counters` backends without a store of their own count): `{ store: { type: 'redis' | 'memory', options } }` or a Metrics. */
  metrics?: MetricsSpec | Metrics;
  /** The event store of the query API: `{ url, db, collection }` or a MongoEventStore. */
  mongo?: MongoEventStoreOptions | MongoEventStore;
  /** Host, port, keys and limits. */
  server?: ServerSection;
}

/** Programmatic extras of {@link createServer}. */
export interface CreateServerOptions {
  /** Token buckets somewhere else (default: Redis when the metrics store is Redis, else memory). */
  rateLimiter?: RateLimiter;
  /** Where `{ "env": … }` references are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A created service: listen, then close. */
export interface EventTrackServer {
  /** The Fastify instance (add routes or hooks before `listen`). */
  readonly app: FastifyInstance;
  readonly tracker: Tracker;
  readonly metrics: Metrics | undefined;
  readonly events: MongoEventStore | undefined;
  /** The resolved `server` section. */
  readonly config: ResolvedServerSection;
  /** Listens on `server.host`/`server.port` (or the given port); resolves the base URL. */
  listen(port?: number): Promise<string>;
  /**
   * Stops accepting connections, lets requests in progress finish, flushes
   * and shuts down the tracker and closes the stores it created, within
   * `server.shutdownTimeoutMs`. Idempotent.
   */
  close(): Promise<void>;
}

async function loadPeer<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new ConfigurationError('server', `the service needs the package "${name}": npm install ${name}`, { cause: error });
  }
}

const CONTENT_TYPES = ['application/json', 'application/x-ndjson'];

/**
 * Creates the eventtrack service (Fastify) over a tracker, metrics and an
 * event store built from `config`, validated first: a bad value is a
 * {@link ConfigurationError} naming its path (`server.limits.bodyBytes`).
 */
export async function createServer(config: ServiceConfig, options: CreateServerOptions = {}): Promise<EventTrackServer> {
  if (typeof config !== 'object' || config === null) throw new ConfigurationError('config', 'expected { tracker, metrics, mongo, server }');
  for (const key of Object.keys(config)) {
    if (!['tracker', 'metrics', 'mongo', 'server'].includes(key)) throw new ConfigurationError(key, 'not a section of the service configuration (tracker, metrics, mongo, server)');
  }
  const env = options.env ?? process.env;
  const resolved = {
    tracker: config.tracker instanceof Object && 'emit' in config.tracker ? config.tracker : (resolveEnvRefs(config.tracker, env, 'tracker') as TrackerSpec | undefined),
    metrics: config.metrics instanceof Object && 'metric' in config.metrics ? config.metrics : (resolveEnvRefs(config.metrics, env, 'metrics') as MetricsSpec | undefined),
    mongo: config.mongo instanceof Object && 'findPage' in config.mongo ? config.mongo : (resolveEnvRefs(config.mongo, env, 'mongo') as MongoEventStoreOptions | undefined),
  };
  const server = resolveServerSection(resolveEnvRefs(config.server, env, 'server'));
  let trust: ReturnType<typeof compileTrustProxy>;
  try {
    trust = compileTrustProxy(server.trustProxy);
  } catch (error) {
    throw new ConfigurationError('server.trustProxy', (error as Error).message.replace(/^Invalid option `[^`]*`: /, ''), { cause: error });
  }
  const [{ default: fastify }, prom] = await Promise.all([
    loadPeer<{ default: typeof Fastify }>('fastify'),
    loadPeer<typeof PromClient>('prom-client'),
  ]);

  const services: Services = buildServices({
    ...(resolved.tracker === undefined ? {} : { tracker: resolved.tracker }),
    ...(resolved.metrics === undefined ? {} : { metrics: resolved.metrics }),
    ...(resolved.mongo === undefined ? {} : { mongo: resolved.mongo }),
  });
  const keys = new ApiKeys(server.keys);
  const limiter: RateLimiter =
    options.rateLimiter ?? (services.redis === undefined ? new MemoryRateLimiter() : new RedisRateLimiter(services.redis as unknown as RedisScripting));
  const counters = new ServiceCounters(prom, services.tracker);
  let closing: Promise<void> | undefined;
  const routes: RouteRecord[] = [];
  const context: RouteContext = {
    services,
    limits: server.limits,
    ingestor: new Ingestor(services.tracker, server.limits.maxClockSkewMs),
    counters,
    trust,
    routes,
    closing: () => closing !== undefined,
  };

  const app = fastify({ logger: server.logger, bodyLimit: server.limits.bodyBytes, forceCloseConnections: 'idle', return503OnClosing: true });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const scope = (route.config as { scope?: string } | undefined)?.scope;
    for (const method of methods) routes.push({ method, url: route.url, schema: route.schema as Record<string, unknown> | undefined, scope });
  });
  services.tracker.on('error', (error) => {
    // Event refusals are answered to the client; other failures (a backend down) belong in the log.
    if (error.code === 'ERR_EVENTTRACK_VALIDATION') app.log.debug({ err: error }, 'event refused');
    else app.log.warn({ err: error }, 'tracker error');
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(CONTENT_TYPES, async (request: FastifyRequest, payload: unknown) => ({
    body: await readBody(payload as IncomingMessage, server.limits.bodyBytes),
    ndjson: (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-ndjson'),
  }));

  app.addHook('onRequest', async (request) => {
    const scope = (request.routeOptions.config as { scope?: Scope }).scope;
    if (scope === undefined) return;
    const key = keys.authenticate(request.headers.authorization, scope);
    (request as FastifyRequest & { apiKey: ApiKey }).apiKey = key;
    const limit = key.rateLimit ?? server.limits.rateLimit;
    if (limit === false) return;
    const waitMs = await limiter.take(key.id, limit);
    if (waitMs > 0) throw httpError('rate-limited', `the key "${key.id}" is over its rate (${limit.perSecond}/s, burst ${limit.burst})`, { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) });
  });

  // Requests that finish while closing end their connection, so close does not wait for keep-alive timeouts.
  app.addHook('onSend', async (_request, reply) => {
    if (closing !== undefined) void reply.header('connection', 'close');
  });

  app.setErrorHandler((error: FastifyError, request, reply: FastifyReply) => {
    const refusal = toHttpError(error);
    if (refusal.statusCode >= 500 && refusal.code === 'internal') request.log.error({ err: error }, 'request failed');
    counters.refusal(refusal.code);
    if (refusal.retryAfter !== undefined) void reply.header('retry-after', String(refusal.retryAfter));
    return reply.code(refusal.statusCode).send({ error: { code: refusal.code, message: refusal.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    counters.refusal('not-found');
    return reply.code(404).send({ error: { code: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });

  registerIngestRoute(app, context);
  registerReadRoutes(app, context);
  registerOpsRoutes(app, context, { title: 'eventtrack service', version: '1' }, 2000);

  return {
    app,
    tracker: services.tracker,
    metrics: services.metrics,
    events: services.events,
    config: server,
    async listen(port = server.port) {
      return app.listen({ host: server.host, port });
    },
    close() {
      closing ??= (async () => {
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, server.shutdownTimeoutMs).unref());
        await Promise.race([app.close(), deadline]);
        await services.close(server.shutdownTimeoutMs);
        await limiter.close();
      })();
      return closing;
    },
  };
}

/** Any failure of a request as the service answers it. */
function toHttpError(error: FastifyError): HttpError {
  if (error instanceof HttpError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? httpError('unsupported-media-type', 'send application/json or application/x-ndjson')
        : httpError('invalid-body', error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpError('body-too-large', error.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return httpError('no-events', 'the body is empty');
    default:
  }
  if (error.validation !== undefined) return httpError('invalid-query', error.message);
  // The SDK's own input checks (a `where` with `$` keys, an unknown granularity, a bad cursor).
  if (error instanceof EventTrackError && (error.code === 'ERR_EVENTTRACK_QUERY' || error.code === 'ERR_EVENTTRACK_VALIDATION')) return httpError('invalid-query', error.message);
  if (error.statusCode === 503) return httpError('shutting-down', 'the service is shutting down', { retryAfter: 1 });
  return httpError('internal', 'internal error', { cause: error });
}
