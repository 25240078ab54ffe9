// The one place where the configuration's `tracker`, `metrics` and `mongo`
// become instances. The `tracker` section is the declarative configuration of
// src/config (`resolveTrackerConfig`: built-in and registered backend and
// processor types); the one service rule on top: a `counters` backend spec
// without a store of its own counts into the service's `metrics`.
import type { BackendLike } from '../backends/Backend.js';
import { MongoEventStore, type MongoEventStoreOptions } from '../backends/mongodb/MongoEventStore.js';
import { resolveTrackerConfig } from '../config/buildSpec.js';
import type { BackendSpec as ConfigBackendSpec, ProcessorEntry, TrackerConfig } from '../config/specs.js';
import { ConfigurationError } from '../errors.js';
import { Metrics } from '../metrics/Metrics.js';
import type { MetricsOptions } from '../metrics/MetricsOptions.js';
import { MemoryCounterStore } from '../metrics/memory/MemoryCounterStore.js';
import { RedisCounterStore } from '../metrics/redis/RedisCounterStore.js';
import type { CounterStore } from '../metrics/CounterStore.js';
import { createTracker } from '../tracker/createTracker.js';
import type { Processor } from '../tracker/Processor.js';
import { Tracker } from '../tracker/Tracker.js';
import type { BackendRegistration } from '../tracker/TrackerOptions.js';

/** A backend or processor described by data: `{ type, options }` (plus route fields for a backend). */
export interface TypeSpec {
  type: string;
  options?: Record<string, unknown>;
}

/** A backend spec: `{ type, options, include?, exclude?, processors?, delivery? }` (see `BackendSpec` of the configuration). */
export type BackendSpec = ConfigBackendSpec;

/** The `tracker` section: tracker options whose backends and processors may be specs (`TrackerConfig`). */
export type TrackerSpec = Omit<TrackerConfig, 'backends' | 'processors'> & {
  backends?: Record<string, BackendLike | BackendRegistration | BackendSpec>;
  processors?: readonly (Processor | TypeSpec | ProcessorEntry)[];
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

/** A `counters` backend spec with neither `store` nor `metrics` counts into the service's `metrics` (what the query API reads). */
function withServiceMetrics(entry: unknown, metrics: Metrics | undefined): unknown {
  if (metrics === undefined || !isSpec(entry)) {
    if (metrics !== undefined && isObject(entry) && 'backend' in entry && isSpec(entry['backend'])) return { ...entry, backend: withServiceMetrics(entry['backend'], metrics) };
    return entry;
  }
  if (entry.type !== 'counters') return entry;
  const options = entry.options;
  if (options !== undefined && (!isObject(options) || options['store'] !== undefined || options['metrics'] !== undefined)) return entry;
  return { ...entry, options: { ...options, metrics } };
}

/**
 * The tracker of a `tracker` section: backends and processors given as
 * objects are used as they are, specs are built by `resolveTrackerConfig`
 * (built-in types and those added with `registerBackendType` /
 * `registerProcessorType`); a `counters` spec without a `store` counts into
 * the service's `metrics`.
 *
 * @throws ConfigurationError naming the path (`tracker.backends.mongo.options.url`).
 */
export function trackerFromSpec(spec: TrackerSpec, metrics: Metrics | undefined, path = 'tracker'): Tracker {
  if (!isObject(spec)) throw new ConfigurationError(path, 'expected tracker options or a Tracker');
  const { backends } = spec;
  if (backends !== undefined && !isObject(backends)) throw new ConfigurationError(`${path}.backends`, 'expected an object of named backends');
  const config = { ...spec } as TrackerConfig;
  if (backends !== undefined) {
    const withMetrics: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(backends)) withMetrics[name] = withServiceMetrics(entry, metrics);
    config.backends = withMetrics as NonNullable<TrackerConfig['backends']>;
  }
  return construct(path, () => createTracker(resolveTrackerConfig(config)));
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
