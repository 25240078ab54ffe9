import { checkInteger } from '../config/checkInteger.js';
import { ConfigurationError } from '../errors.js';
import type { WeekStart } from '../time/Calendar.js';
import type { CounterStore } from './CounterStore.js';
import { GRANULARITIES, resolveGranularities, type Granularity } from '../time/granularity.js';
import { resolveRetention, type Retention } from './retention.js';

/** Retry of failed flushes. */
export interface MetricsRetryOptions {
  /** Tries per batch, the first included, before its writes are dropped (and counted). Default 8. */
  maxAttempts?: number;
  /** Delay before the first retry, ms; doubles per retry. Default 200. */
  initialDelayMs?: number;
  /** Longest delay between retries, ms. Default 10 000. */
  maxDelayMs?: number;
}

/** Options of {@link Metrics}. */
export interface MetricsOptions {
  /** Where counters live. Default: a new `MemoryCounterStore`. */
  store?: CounterStore;
  /** Granularities stored for `metric`, `setMetric` and `recordMetrics`. Default: all seven. */
  granularities?: readonly Granularity[];
  /**
   * Granularities with a unique-count (HyperLogLog) per bucket for `unique`.
   * Default: hour, day, week, month, year (one HLL per second or minute costs too much memory).
   */
  uniqueGranularities?: readonly Granularity[];
  /**
   * Granularities with a timing sketch (one Redis hash per bucket) for `timing`. Default minute, hour, day, month.
   * `getTimingSummary` covers a range with the coarsest of them that tile it.
   */
  timingGranularities?: readonly Granularity[];
  /**
   * Relative accuracy of timing percentiles (DDSketch): a reported percentile is within this fraction of the exact
   * one. Between 0 and 1 exclusive; default 0.01 (1 %). Changing it makes earlier timing buckets unreadable (their
   * bins were indexed with the old accuracy): use a new key prefix.
   */
  timingRelativeAccuracy?: number;
  /** IANA time zone of the buckets, e.g. `'Europe/Berlin'`. Default `'UTC'`. Keep it fixed per key prefix. */
  timeZone?: string;
  /** First day of a week: `'monday'` (ISO-8601, default) or `'sunday'`. */
  weekStart?: WeekStart;
  /** Seconds each granularity is kept after its storage unit's period; see `DEFAULT_RETENTION`. */
  retention?: Partial<Record<Granularity, number>>;
  /** Flush buffered writes this often, ms (unref'd timer). Default 1000. */
  flushIntervalMs?: number;
  /** Start a flush when this many distinct writes are buffered. Default 20 000. */
  maxBufferedWrites?: number;
  /** Cap on writes held for retry; beyond it the oldest batches are dropped (and counted). Default 1 000 000. */
  maxPendingWrites?: number;
  /**
   * Cap on the memory (estimated heap bytes) of the batches held for sending or retry — what grows while the store is
   * unreachable. Beyond it the oldest batches are dropped, counted in `stats().droppedWrites` and reported through
   * `drop` with reason `overflow`; `stats().pendingBytes` shows the estimate. Default 64 MiB. The newest batch is
   * always kept, so a single batch larger than this (possible with a large `maxBufferedWrites`) passes it rather
   * than being lost while the store works. (The in-process buffer before a flush is bounded by `maxBufferedWrites`.)
   */
  maxPendingBytes?: number;
  /** A store write not done within this many ms counts as failed and is retried (same batch id). Default 10 000. */
  flushTimeoutMs?: number;
  /** Retry policy of failed flushes. */
  retry?: MetricsRetryOptions;
  /** Reads flush buffered writes first, so they see every earlier write. Default true. (Deletes, registry changes and `syncAggregateMetric` always flush first.) */
  readYourWrites?: boolean;
  /** Largest number of buckets one read may span. Default 100 000. */
  maxHistoryBuckets?: number;
  /** Source of "now" (epoch ms), for tests. Default `Date.now`. */
  clock?: () => number;
}

/** Defaults of {@link MetricsOptions} (the store excepted). */
export const DEFAULT_METRICS_OPTIONS = Object.freeze({
  granularities: GRANULARITIES,
  uniqueGranularities: Object.freeze(['hour', 'day', 'week', 'month', 'year'] as const) as readonly Granularity[],
  timingGranularities: Object.freeze(['minute', 'hour', 'day', 'month'] as const) as readonly Granularity[],
  timingRelativeAccuracy: 0.01,
  timeZone: 'UTC',
  weekStart: 'monday' as WeekStart,
  flushIntervalMs: 1000,
  maxBufferedWrites: 20_000,
  maxPendingWrites: 1_000_000,
  maxPendingBytes: 64 * 1024 * 1024,
  flushTimeoutMs: 10_000,
  retry: Object.freeze({ maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 10_000 }),
  readYourWrites: true,
  maxHistoryBuckets: 100_000,
});

/** Options after defaults and validation. */
export interface ResolvedMetricsOptions {
  granularities: readonly Granularity[];
  uniqueGranularities: readonly Granularity[];
  timingGranularities: readonly Granularity[];
  timingRelativeAccuracy: number;
  timeZone: string;
  weekStart: WeekStart;
  retention: Retention;
  flushIntervalMs: number;
  maxBufferedWrites: number;
  maxPendingWrites: number;
  maxPendingBytes: number;
  flushTimeoutMs: number;
  retry: Required<MetricsRetryOptions>;
  readYourWrites: boolean;
  maxHistoryBuckets: number;
  clock: () => number;
}

function positiveInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return checkInteger(option, value, { min: 1 });
}

function relativeAccuracy(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new ConfigurationError('timingRelativeAccuracy', `expected a number between 0 and 1 exclusive (0.01 = 1 %), got ${String(value)}`);
  }
  return value;
}

/** Applies defaults and validates; the time zone is checked by `TimeZone`. */
export function resolveMetricsOptions(options: MetricsOptions): ResolvedMetricsOptions {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('options', 'expected an object');
  const d = DEFAULT_METRICS_OPTIONS;
  const weekStart = options.weekStart ?? d.weekStart;
  if (weekStart !== 'monday' && weekStart !== 'sunday') throw new ConfigurationError('weekStart', `expected 'monday' or 'sunday', got ${JSON.stringify(weekStart)}`);
  if (options.clock !== undefined && typeof options.clock !== 'function') throw new ConfigurationError('clock', 'expected a function returning epoch ms');
  if (options.readYourWrites !== undefined && typeof options.readYourWrites !== 'boolean') throw new ConfigurationError('readYourWrites', 'expected a boolean');
  const retry = options.retry ?? {};
  return {
    granularities: resolveGranularities('granularities', options.granularities ?? d.granularities),
    uniqueGranularities: resolveGranularities('uniqueGranularities', options.uniqueGranularities ?? d.uniqueGranularities),
    timingGranularities: resolveGranularities('timingGranularities', options.timingGranularities ?? d.timingGranularities),
    timingRelativeAccuracy: relativeAccuracy(options.timingRelativeAccuracy, d.timingRelativeAccuracy),
    timeZone: options.timeZone ?? d.timeZone,
    weekStart,
    retention: resolveRetention(options.retention),
    flushIntervalMs: positiveInteger('flushIntervalMs', options.flushIntervalMs, d.flushIntervalMs),
    maxBufferedWrites: positiveInteger('maxBufferedWrites', options.maxBufferedWrites, d.maxBufferedWrites),
    maxPendingWrites: positiveInteger('maxPendingWrites', options.maxPendingWrites, d.maxPendingWrites),
    maxPendingBytes: positiveInteger('maxPendingBytes', options.maxPendingBytes, d.maxPendingBytes),
    flushTimeoutMs: positiveInteger('flushTimeoutMs', options.flushTimeoutMs, d.flushTimeoutMs),
    retry: {
      maxAttempts: positiveInteger('retry.maxAttempts', retry.maxAttempts, d.retry.maxAttempts),
      initialDelayMs: positiveInteger('retry.initialDelayMs', retry.initialDelayMs, d.retry.initialDelayMs),
      maxDelayMs: positiveInteger('retry.maxDelayMs', retry.maxDelayMs, d.retry.maxDelayMs),
    },
    readYourWrites: options.readYourWrites ?? d.readYourWrites,
    maxHistoryBuckets: positiveInteger('maxHistoryBuckets', options.maxHistoryBuckets, d.maxHistoryBuckets),
    clock: options.clock ?? Date.now,
  };
}

/** Longest time (ms) a batch can still be sent after its first try, under these options. */
export function retryWindowMs(options: ResolvedMetricsOptions): number {
  let total = 0;
  let delay = options.retry.initialDelayMs;
  for (let attempt = 1; attempt <= options.retry.maxAttempts; attempt++) {
    total += options.flushTimeoutMs;
    if (attempt < options.retry.maxAttempts) {
      total += Math.min(delay, options.retry.maxDelayMs);
      delay *= 2;
    }
  }
  return total;
}
