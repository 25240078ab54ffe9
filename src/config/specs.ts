import type { BackendLike } from '../backends/Backend.js';
import type { DeliveryOptions } from '../delivery/DeliveryOptions.js';
import type { Processor } from '../tracker/Processor.js';
import type { BackendRegistration, TrackerOptions } from '../tracker/TrackerOptions.js';

/** A RegExp written as JSON: `{ "regex": "^debug\\.", "flags": "i" }`. */
export interface RegExpSpec {
  regex: string;
  /** RegExp flags, e.g. `"i"`. Default: none. */
  flags?: string;
}

/** An event-name filter in a spec: an exact name, a glob, a RegExp or a {@link RegExpSpec}. */
export type NameMatcherSpec = string | RegExp | RegExpSpec;

/** A processor described by data: `{ type: 'redact', options: { paths: ['data.password'] } }`. */
export interface ProcessorSpec {
  /** A built-in type (`redact`, `sample`, `rename`, `map`, `enrich`, `edxLegacy`, `openTelemetry`) or one added with `registerProcessorType`. */
  type: string;
  /** Handed to the type's factory. Default `{}`. */
  options?: Record<string, unknown>;
}

/** A processor list entry: a function, a spec, or an empty entry (skipped). */
export type ProcessorEntry = Processor | ProcessorSpec | null | undefined | false;

/**
 * A backend described by data, with its route:
 * `{ type: 'logger', options: { path: 'events.jsonl' }, processors: [...], include: ['page.*'] }`.
 */
export interface BackendSpec {
  /** A built-in type (`memory`, `logger`, `mongodb`, `counters`, `router`, `mixpanel`, `segment`, `http`) or one added with `registerBackendType`. */
  type: string;
  /** Handed to the type's factory (the backend's constructor options). Default `{}`. */
  options?: Record<string, unknown>;
  /** Processors of this backend only, after the tracker's. Default: none. */
  processors?: readonly ProcessorEntry[];
  /** Only events whose name matches one of these reach the backend. Default: all. */
  include?: NameMatcherSpec | readonly NameMatcherSpec[];
  /** Events whose name matches one of these never reach the backend; wins over `include`. Default: none. */
  exclude?: NameMatcherSpec | readonly NameMatcherSpec[];
  /** Delivery options of this backend, over the tracker's `delivery`. */
  delivery?: Partial<DeliveryOptions>;
}

/** A counter store described by data, in a `counters` backend spec: `{ type: 'redis', options: { url } }`. */
export interface StoreSpec {
  /** `'redis'` (a `RedisCounterStore`) or `'memory'` (a `MemoryCounterStore`). */
  type: string;
  /** The store's constructor options. Default `{}`. */
  options?: Record<string, unknown>;
}

/** What a tracker's `backends` map accepts: backend objects, registrations and specs, mixed freely. */
export type BackendEntry = BackendLike | BackendRegistration | BackendSpec;

/**
 * Options of `createTracker` as a configuration: {@link TrackerOptions} whose
 * `backends` and `processors` may also be specs (plain JSON).
 */
export type TrackerConfig = Omit<TrackerOptions, 'backends' | 'processors'> & {
  /** Backends by name: objects, registrations (`{ backend, … }`) and {@link BackendSpec}s. Default: none. */
  backends?: Record<string, BackendEntry>;
  /** Processors run over every event: functions and {@link ProcessorSpec}s. Default: none. */
  processors?: readonly ProcessorEntry[];
};

/** Whether `value` is a spec (`{ type: string, … }` that is not a backend object). */
export function isSpec(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string' && typeof (value as { send?: unknown }).send !== 'function';
}
