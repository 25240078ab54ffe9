import type { BackendLike } from '../backends/Backend.js';
import { AsyncContextStore } from '../context/AsyncContextStore.js';
import type { ContextStore } from '../context/ContextStore.js';
import { type DeliveryOptions, resolveDeliveryOptions } from '../delivery/DeliveryOptions.js';
import { checkInteger } from '../config/checkInteger.js';
import { ConfigurationError } from '../errors.js';
import type { NameMatcher } from '../routing/nameFilter.js';
import { compactProcessors, type Processor } from './Processor.js';

/** A backend with its own route: which events it gets, how they are processed and delivered. */
export interface BackendRegistration {
  backend: BackendLike;
  /** Only events whose name matches one of these reach the backend (exact, glob or RegExp). Default: all. */
  include?: readonly NameMatcher[];
  /** Events whose name matches one of these never reach the backend; wins over `include`. Default: none. */
  exclude?: readonly NameMatcher[];
  /** Processors for this backend only, after the tracker's; empty entries (`undefined`, `null`, `false`) are skipped. Default: none. */
  processors?: readonly (Processor | null | undefined | false)[];
  /** Delivery options for this backend, over the tracker's `delivery`. */
  delivery?: Partial<DeliveryOptions>;
}

/** Options of {@link createTracker}. Every field is optional; defaults in {@link DEFAULT_TRACKER_OPTIONS}. */
export interface TrackerOptions {
  /** Backends by name. Default: none (add them later with `addBackend`). */
  backends?: Record<string, BackendLike | BackendRegistration>;
  /**
   * Processors run over every event, in order, before routing; empty entries
   * (`undefined`, `null`, `false`, as `openTelemetry()` returns without its
   * package) are skipped. Default: none.
   */
  processors?: readonly (Processor | null | undefined | false)[];
  /** Throw from `emit`/`context` on invalid names, oversized events and non-JSON values instead of converting or reporting. Default `false`. */
  strict?: boolean;
  /** Largest event accepted, as the length of its JSON (context and data included). Default 65 536. */
  maxEventSize?: number;
  /** Delivery defaults for every backend. Defaults: see `DEFAULT_DELIVERY_OPTIONS`. */
  delivery?: Partial<DeliveryOptions>;
  /** Where contexts live. Default: a new `AsyncContextStore` per tracker. */
  contextStore?: ContextStore;
  /** Flush when the process is about to exit on its own (`beforeExit`), so queued events are not lost. Default `true`. */
  flushOnExit?: boolean;
  /** Deadline of `flush()` and `shutdown()` called without one, in ms. Default 10 000. */
  shutdownTimeoutMs?: number;
  /**
   * Say failures nobody listens to: an error with no `error` listener, a drop
   * with no `drop` listener (drops by a processor returning `null` excepted)
   * and events the catalog's `warn` policy flags become one
   * `process.emitWarning` per kind (type `EventTrackWarning`, codes
   * `EVENTTRACK_DROP`, `EVENTTRACK_BACKEND_ERROR`, `EVENTTRACK_CATALOG`,
   * `EVENTTRACK_ERROR`). `false` keeps them to the stats. Default `true`.
   */
  warnings?: boolean;
}

/** The defaults of {@link TrackerOptions}. */
export const DEFAULT_TRACKER_OPTIONS = Object.freeze({
  strict: false,
  maxEventSize: 65_536,
  flushOnExit: true,
  shutdownTimeoutMs: 10_000,
  warnings: true,
});

/** Options after defaults, validated. */
export interface ResolvedTrackerOptions {
  strict: boolean;
  maxEventSize: number;
  flushOnExit: boolean;
  shutdownTimeoutMs: number;
  warnings: boolean;
  processors: readonly Processor[];
  /** The `delivery` option as given (validated); each backend resolves it over its own defaults. */
  delivery: Partial<DeliveryOptions>;
  contextStore: ContextStore;
}

function positiveInteger(option: string, value: number): number {
  return checkInteger(option, value, { min: 1 });
}

function boolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigurationError(option, `expected true or false, got ${String(value)}`);
  return value;
}

/** Applies defaults and validates, throwing a `ConfigurationError` that names the bad option. */
export function resolveTrackerOptions(options: TrackerOptions): ResolvedTrackerOptions {
  const processors = compactProcessors(options.processors, 'processors');
  const delivery = { ...options.delivery };
  resolveDeliveryOptions(delivery); // validated here, so a bad value is reported when the tracker is created
  return {
    strict: options.strict ?? DEFAULT_TRACKER_OPTIONS.strict,
    maxEventSize: positiveInteger('maxEventSize', options.maxEventSize ?? DEFAULT_TRACKER_OPTIONS.maxEventSize),
    flushOnExit: options.flushOnExit ?? DEFAULT_TRACKER_OPTIONS.flushOnExit,
    shutdownTimeoutMs: positiveInteger('shutdownTimeoutMs', options.shutdownTimeoutMs ?? DEFAULT_TRACKER_OPTIONS.shutdownTimeoutMs),
    warnings: boolean('warnings', options.warnings ?? DEFAULT_TRACKER_OPTIONS.warnings),
    processors,
    delivery,
    contextStore: options.contextStore ?? new AsyncContextStore(),
  };
}
