// The one place where the configuration's `tracker`, `metrics` and `mongo`
// become instances. Until src/config (declarative specs: createTracker from
// `{ type, options }` backends and processors, registerBackendType) is on
// main, `trackerFromSpec` resolves the built-in backend types itself; then it
// becomes `createTracker(withServiceMetrics(spec, metrics))` and the
// `BUILT_IN` table below goes away.
import { CounterBackend } from '../backends/counters/CounterBackend.js';
import { LoggerBackend } from '../backends/logger/LoggerBackend.js';
import { MemoryBackend } from '../backends/memory/MemoryBackend.js';
import { MongoBackend } from '../backends/mongodb/MongoBackend.js';
import { MongoEventStore, type MongoEventStoreOptions } from '../backends/mongodb/MongoEventStore.js';
import type { BackendLike } from '../backends/Backend.js';
import { ConfigurationError } from '../errors.js';
import { Metrics } from '../metrics/Metrics.js';
import type { MetricsOptions } from '../metrics/MetricsOptions.js';
import { MemoryCounterStore } from '../metrics/memory/MemoryCounterStore.js';
import { RedisCounterStore } from '../metrics/redis/RedisCounterStore.js';
import type { CounterStore } from '../metrics/CounterStore.js';
import { redact } from '../processors/redact.js';
import { sample } from '../processors/sample.js';
import { createTracker } from '../tracker/createTracker.js';
import type { Processor } from '../tracker/Processor.js';
import { Tracker } from '../tracker/Tracker.js';
import type { BackendRegistration, TrackerOptions } from '../tracker/TrackerOptions.js';

/** A backend or processor described by data: `{ type, options }` (plus route fields for a backend). */
export interface TypeSpec {
  type: string;
  options?: Record<string, unknown>;
}

/** A backend spec: `{ type: 'mongodb' | 'logger' | 'memory' | 'counters', options, include?, exclude?, processors?, delivery? }`. */
export interface BackendSpec extends TypeSpec, Omit<BackendRegistration, 'backend' | 'processors'> {
  processors?: readonly (Processor | TypeSpec)[];
}

/** The `tracker` section: tracker options whose backends and processors may be specs. */
export type TrackerSpec = Omit<TrackerOptions, 'backends' | 'processors'> & {
  backends?: Record<string, BackendLike | BackendRegistration | BackendSpec>;
  processors?: readonly (Processor | TypeSpec)[];
};

/** The `metrics` section: Metrics options whose store may be a spec `{ type: 'redis' | 'memory', options }`. */
export type MetricsSpec = Omit<MetricsOptions, 'store'> & { store?: CounterStore | TypeSpec };

/** What the service runs on. */
export interface Services {
  tracker: Tracker;
  metrics: Metrics | undefined;
  events: MongoEventStore | undefined;
  /** The Redis client of the metrics store, when it is Redis: rate limits and readiness use it. */
  redis: RedisCounterStore['client'] | undefined;
  /** Closes what the service created; a tracker or Metrics passed in as an instance is flushed and stays open. */
  close(timeoutMs: number): Promise<void>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSpec = (value: unknown): value is TypeSpec => isObject(value) && typeof value['type'] === 'string' && typeof value['send'] !== 'function';

function optionsOf(spec: TypeSpec, path: string): Record<string, unknown> {
  if (spec.options === undefined) return {};
  if (!isObject(spec.options)) throw new ConfigurationError(`${path}.options`, 'expected an object');
  return spec.options;
}

/** Runs a constructor; its ConfigurationError is re-raised under `path`. */
function construct<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof ConfigurationError) throw new ConfigurationError(`${path}.${error.option}`, error.message.replace(/^Invalid option `[^`]*`: /, ''), { cause: error });
    throw new ConfigurationError(path, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function buildStore(spec: CounterStore | TypeSpec, path: string): CounterStore {
  if (!isSpec(spec)) return spec;
  const options = optionsOf(spec, path);
  if (spec.type === 'redis') return construct(`${path}.options`, () => new RedisCounterStore(options as never));
  if (spec.type === 'memory') return construct(`${path}.options`, () => new MemoryCounterStore(options as never));
  throw new ConfigurationError(`${path}.type`, `unknown store type ${JSON.stringify(spec.type)} (known: redis, memory)`);
}

const PROCESSORS: Record<string, (options: Record<string, unknown>) => Processor> = {
  redact: ({ paths, ...rest }) => redact(paths as string[], rest),
  sample: ({ rate, ...rest }) => sample(rate as number, rest),
};

function buildProcessors(list: unknown, path: string): Processor[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ConfigurationError(path, 'expected an array of processors');
  return list.map((entry: unknown, index) => {
    const at = `${path}[${index}]`;
    if (typeof entry === 'function') return entry as Processor;
    if (!isSpec(entry)) throw new ConfigurationError(at, 'expected a function or { type, options }');
    const make = PROCESSORS[entry.type];
    if (make === undefined) throw new ConfigurationError(`${at}.type`, `unknown processor type ${JSON.stringify(entry.type)} (known: ${Object.keys(PROCESSORS).join(', ')})`);
    return construct(`${at}.options`, () => make(optionsOf(entry, at)));
  });
}

const BUILT_IN: Record<string, (options: Record<string, unknown>, metrics: Metrics | undefined, path: string) => BackendLike> = {
  memory: (options) => new MemoryBackend(options),
  logger: (options) => new LoggerBackend(options),
  mongodb: (options) => new MongoBackend(options as never),
  counters: ({ store, ...options }, metrics, path) => {
    if (store !== undefined) return new CounterBackend({ ...options, metrics: { store: buildStore(store as TypeSpec, `${path}.store`) } } as never);
    // A counters backend without a store of its own counts into the service's metrics (what the query API reads).
    return new CounterBackend({ ...(metrics === undefined ? {} : { metrics }), ...options } as never);
  },
};

function buildBackend(spec: BackendSpec, metrics: Metrics | undefined, path: string): BackendRegistration {
  const make = BUILT_IN[spec.type];
  if (make === undefined) throw new ConfigurationError(`${path}.type`, `unknown backend type ${JSON.stringify(spec.type)} (known: ${Object.keys(BUILT_IN).join(', ')})`);
  const { type: _type, options: _options, processors, ...route } = spec;
  const backend = construct(`${path}.options`, () => make(optionsOf(spec, path), metrics, `${path}.options`));
  return { ...route, backend, processors: buildProcessors(processors, `${path}.processors`) };
}

/**
 * The tracker of a `tracker` section: backends and processors given as
 * objects are used as they are, specs are built (`memory`, `logger`,
 * `mongodb`, `counters`; processors `redact`, `sample`).
 *
 * @throws ConfigurationError naming the path (`tracker.backends.mongo.options.url`).
 */
export function trackerFromSpec(spec: TrackerSpec, metrics: Metrics | undefined, path = 'tracker'): Tracker {
  if (!isObject(spec)) throw new ConfigurationError(path, 'expected tracker options or a Tracker');
  const { backends = {}, processors, ...rest } = spec;
  if (!isObject(backends)) throw new ConfigurationError(`${path}.backends`, 'expected an object of named backends');
  const built: Record<string, BackendLike | BackendRegistration> = {};
  for (const [name, entry] of Object.entries(backends)) {
    built[name] = isSpec(entry) ? buildBackend(entry as BackendSpec, metrics, `${path}.backends.${name}`) : entry;
  }
  return construct(path, () => createTracker({ ...rest, backends: built, processors: buildProcessors(processors, `${path}.processors`) }));
}

/** The service configuration's instances (see {@link Services}). */
export function buildServices(config: { tracker?: Tracker | TrackerSpec; metrics?: Metrics | MetricsSpec; mongo?: MongoEventStore | MongoEventStoreOptions }): Services {
  const owned: { close(): Promise<unknown> }[] = [];
  let metrics: Metrics | undefined;
  let redis: RedisCounterStore['client'] | undefined;
  if (config.metrics instanceof Metrics) metrics = config.metrics;
  else if (config.metrics !== undefined) {
    if (!isObject(config.metrics)) throw new ConfigurationError('metrics', 'expected { store: { type: "redis" | "memory", options } } or a Metrics');
    const { store, ...options } = config.metrics;
    const built = store === undefined ? undefined : buildStore(store, 'metrics.store');
    if (built instanceof RedisCounterStore) redis = built.client;
    metrics = construct('metrics', () => new Metrics({ ...options, ...(built === undefined ? {} : { store: built }) }));
    owned.push(metrics);
  }
  let events: MongoEventStore | undefined;
  if (isObject(config.mongo) && typeof config.mongo['findPage'] === 'function') events = config.mongo as unknown as MongoEventStore; // an event store (by shape)
  else if (config.mongo !== undefined) {
    if (!isObject(config.mongo)) throw new ConfigurationError('mongo', 'expected { url, db?, collection? } or a MongoEventStore');
    const options = config.mongo;
    events = construct('mongo', () => new MongoEventStore(options));
    owned.push(events);
  }
  let tracker: Tracker;
  let ownsTracker = false;
  if (config.tracker instanceof Tracker) tracker = config.tracker;
  else {
    try {
      tracker = trackerFromSpec(config.tracker ?? {}, metrics);
    } catch (error) {
      void Promise.allSettled(owned.map((item) => item.close()));
      throw error;
    }
    ownsTracker = true;
  }
  return {
    tracker,
    metrics,
    events,
    redis,
    async close(timeoutMs) {
      // The tracker first: its counters backend writes into `metrics`. What was passed in is flushed, not closed.
      if (ownsTracker) await tracker.shutdown(timeoutMs);
      else await tracker.flush(timeoutMs);
      if (metrics !== undefined && !owned.includes(metrics)) await metrics.flush().catch(() => undefined);
      await Promise.allSettled(owned.map((item) => item.close()));
    },
  };
}
