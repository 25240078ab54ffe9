// Argument and result shapes of the Metrics API.
import type { Granularity } from '../time/granularity.js';

/** An instant: a `Date` or epoch milliseconds. */
export type TimeInput = Date | number;

/** Options of {@link Metrics.metric} and {@link Metrics.setMetric}. */
export interface MetricOptions {
  /** Adds the slug to this category's registry (see `categories()`). */
  category?: string;
  /** When the counted thing happened; default now. */
  timestamp?: TimeInput;
  /**
   * Seconds after the write at which each bucket this call wrote expires, as
   * django-redis-metrics' per-bucket keys do: the bucket vanishes whole (with
   * what other calls added to it), the earliest expiry given to a bucket wins,
   * and a write after it starts the bucket afresh. Other buckets, even those
   * stored in the same hash (the other years, the other hours of the day), are
   * untouched. Without it, the per-granularity retention applies.
   */
  expire?: number;
}

/** Options of {@link Metrics.recordMetrics} (the redis_metrics module's `record_metrics`). */
export interface RecordMetricsOptions {
  /** When it happened; default now. */
  timestamp?: TimeInput;
  /** The increment; default 1. */
  count?: number;
  /** Adds the slug to this category. */
  category?: string;
  /** Finest granularity to write (default: the finest stored one). */
  minGranularity?: Granularity;
  /** Coarsest granularity to write (default: the coarsest stored one). */
  maxGranularity?: Granularity;
}

/** Options of {@link Metrics.unique}. */
export interface UniqueOptions {
  /** When the member was seen; default now. */
  timestamp?: TimeInput;
}

/** A time range of buckets. */
export interface RangeOptions {
  /** Bucket size; default `'day'`. */
  granularity?: Granularity;
  /** First instant of the range (its bucket is included); default `limit` buckets before `until`. */
  since?: TimeInput;
  /** Last instant of the range (its bucket is included); default now. */
  until?: TimeInput;
  /** Number of buckets when `since` is omitted; default 30. */
  limit?: number;
}

/** Options of `getUnique`. */
export type UniqueRangeOptions = RangeOptions;

/** One time bucket of a history. */
export interface Bucket {
  /**
   * Sortable label in the configured time zone: `2026`, `2026-03`,
   * `2026-W09`, `2026-03-29`, `2026-03-29T02:00+02:00`, `…T02:05+02:00`,
   * `…T02:05:09+02:00` (sub-day labels carry the UTC offset, so the repeated
   * hour of a DST change has two distinct labels; `Z` for UTC).
   */
  readonly label: string;
  /** First instant of the bucket. */
  readonly start: Date;
  /** First instant after the bucket. */
  readonly end: Date;
}

/** The stored value of every granularity's current bucket (stored granularities only). */
export type MetricValues = Partial<Record<Granularity, number>>;

/** One slug's values in {@link Metrics.getMetrics}. */
export interface SlugValues {
  readonly slug: string;
  readonly values: MetricValues;
}

/** One slug's series in a history; `values[i]` belongs to `buckets[i]`, zero where nothing was counted. */
export interface MetricSeries {
  readonly slug: string;
  readonly values: number[];
  /** Sum of `values`. */
  readonly total: number;
}

/** Result of {@link Metrics.getMetricHistory}. */
export interface MetricHistory {
  readonly granularity: Granularity;
  /** Every bucket of the range, oldest first, none missing. */
  readonly buckets: readonly Bucket[];
  /** One series per requested slug, in the order asked. */
  readonly series: readonly MetricSeries[];
}

/** Result of {@link Metrics.getAggregateHistory}: the sum of several slugs per bucket. */
export interface AggregateHistory {
  readonly granularity: Granularity;
  readonly slugs: readonly string[];
  readonly buckets: readonly Bucket[];
  readonly values: number[];
  readonly total: number;
}

/** Per-entity granularities (py-analytics' `group_by`). */
export type EntityGranularity = 'day' | 'week' | 'month';

/** Options of `getMetricByDay/ByWeek/ByMonth`. */
export interface EntityRangeOptions {
  /** First instant (its bucket included); default `limit` buckets back from now, ending with the current one. */
  since?: TimeInput;
  /** Number of buckets; default 30 days, 10 weeks or 12 months. */
  limit?: number;
}

/** Options of {@link Metrics.getEntityMetrics}. */
export interface EntityMetricsOptions extends EntityRangeOptions {
  /** Bucket size; default `'day'`. */
  groupBy?: EntityGranularity;
}

/** Options of {@link Metrics.trackMetric}. */
export interface TrackMetricOptions {
  /** When it happened; default now. */
  timestamp?: TimeInput;
  /** The increment; default 1. */
  n?: number;
}

/** An (entity, metric) pair, e.g. `['user:1234', 'comment']`. */
export type EntityMetricPair = readonly [entity: string | number, metric: string];

/** One entity metric's series; `values[i]` belongs to `buckets[i]`. */
export interface EntitySeries {
  readonly entity: string;
  readonly metric: string;
  readonly granularity: EntityGranularity;
  readonly buckets: readonly Bucket[];
  readonly values: number[];
  readonly total: number;
}

/**
 * Options of {@link Metrics.getCount} and {@link Metrics.getCounts} (py-analytics' `start_date`/`end_date`): without a
 * range, the entity metric's total (every `trackMetric` and `trackCount` amount); with one, the sum of its
 * `trackMetric` days from the day holding `since` to the day holding `until` (default now).
 */
export interface CountOptions {
  since?: TimeInput;
  until?: TimeInput;
}

/** Options of {@link Metrics.setMetricByDay}. */
export interface SetMetricByDayOptions {
  /**
   * Also adjust the entity metric's total (what `getCount` returns without a range) by the difference between the
   * new and the previous value of the day, in the store, atomically (py-analytics' `update_counter`). Default true.
   */
  updateCounter?: boolean;
}

/** Options of {@link Metrics.timing}. */
export interface TimingOptions {
  /** When the duration was measured (e.g. when the request ended); default now. */
  timestamp?: TimeInput;
  /** Category registered for the slug (as for `metric`). */
  category?: string;
}

/** Options of {@link Metrics.getTimingHistory}: a range as for `getMetricHistory` plus the percentiles wanted. */
export interface TimingHistoryOptions extends RangeOptions {
  /** Percentiles (0–100) to report; default `[50, 95, 99]`. */
  percentiles?: readonly number[];
}

/** One slug's timings per bucket (arrays parallel to the history's `buckets`; `NaN` where a bucket has no samples). */
export interface TimingSeries {
  slug: string;
  /** Samples per bucket (exact). */
  count: number[];
  /** Sum of the durations per bucket, ms (exact to double precision). */
  sum: number[];
  /** Smallest and largest duration per bucket (exact). */
  min: number[];
  max: number[];
  /** `sum / count`. */
  mean: number[];
  /** Percentile (as given, e.g. `'95'`) → value per bucket, within `timingRelativeAccuracy` of the exact one. */
  percentiles: Record<string, number[]>;
}

/** What {@link Metrics.getTimingHistory} returns. */
export interface TimingHistory {
  granularity: Granularity;
  buckets: Bucket[];
  series: TimingSeries[];
}

/** Options of {@link Metrics.getTimingSummary}. */
export interface TimingSummaryOptions {
  /** First instant; its bucket (at the finest timing granularity) is included. Required. */
  since: TimeInput;
  /** Last instant; its bucket at the finest timing granularity is included. Default now. */
  until?: TimeInput;
  /** Percentiles (0–100) to report; default `[50, 95, 99]`. */
  percentiles?: readonly number[];
}

/** A slug's timings over a whole range (`NaN` percentiles, min, max and mean when there were no samples). */
export interface TimingSummary {
  slug: string;
  /** The range read: from the start of the finest bucket holding `since` to the end of the one holding `until`. */
  start: Date;
  end: Date;
  /** The buckets merged: the coarsest timing granularities that tile the range exactly (e.g. 3 days, not 72 hours). */
  buckets: { granularity: Granularity; label: string }[];
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  percentiles: Record<string, number>;
}
