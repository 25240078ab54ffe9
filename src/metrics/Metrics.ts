import { EventEmitter } from 'eventemitter3';
import { ConfigurationError, CounterStoreError } from '../errors.js';
import { BatchQueue, type MetricsDropReason } from './BatchQueue.js';
import { Calendar } from '../time/Calendar.js';
import type { CounterStore } from './CounterStore.js';
import { granularityRank, type Granularity } from '../time/granularity.js';
import { EntityReads } from './EntityReads.js';
import { HistoryReader } from './HistoryReader.js';
import { KeyLayout } from './keys.js';
import { MetricReads } from './MetricReads.js';
import { MemoryCounterStore } from './memory/MemoryCounterStore.js';
import { resolveMetricsOptions, retryWindowMs, type MetricsOptions, type ResolvedMetricsOptions } from './MetricsOptions.js';
import { Recorder } from './Recorder.js';
import { Registries } from './Registries.js';
import { StoreAccess } from './StoreAccess.js';
import { TimeZone } from '../time/TimeZone.js';
import { TimingReads } from './timing/TimingReads.js';
import { checkName } from './names.js';
import { type ExitFlushable, unwatchExit, watchExit } from '../tracker/exitFlush.js';
import type {
  AggregateHistory, CountOptions, EntityMetricPair, EntityMetricsOptions, EntityRangeOptions,
  EntitySeries, MetricHistory, MetricOptions, MetricValues, RangeOptions, RecordMetricsOptions, SetMetricByDayOptions, SlugValues, TimeInput,
  TrackMetricOptions, UniqueOptions, UniqueRangeOptions,
} from './types.js';
import type { TimingHistory, TimingHistoryOptions, TimingOptions, TimingSummary, TimingSummaryOptions } from './types.js';

/** Events of {@link Metrics} (an eventemitter3 emitter; an unheard `error` is not thrown). */
export interface MetricsEvents {
  /** A flush or store operation failed; failed flushes are retried (see `error.attempt`). */
  error: (error: CounterStoreError) => void;
  /** Writes given up: `retries_exhausted`, `overflow` (too much pending) or `closed` (written after close). Writes older than their retention are not drops: see `stats().expiredWrites`. */
  drop: (info: { reason: MetricsDropReason; writes: number; error?: unknown }) => void;
  /** A flush batch was applied. */
  flush: (info: { writes: number; durationMs: number; duplicates: number }) => void;
}

/**
 * How long `Metrics.close()` waits, ms, by default: for the last flush, then
 * for the store to close; then the store disconnects hard.
 */
export const DEFAULT_METRICS_CLOSE_TIMEOUT_MS = 5000;

/** Counters of {@link Metrics.stats}. Writes are coalesced: one write is one hash field, member or key. */
export interface MetricsStats {
  /** Writes waiting in process for the next flush. */
  bufferedWrites: number;
  /** Writes in batches queued for the store (in flight or waiting for a retry). */
  pendingWrites: number;
  /** Estimated heap bytes of those batches; kept within `maxPendingBytes`. */
  pendingBytes: number;
  /** Batches queued for the store. */
  pendingBatches: number;
  /** Batches applied. */
  flushes: number;
  /** Failed store writes (each retry counts). */
  failedFlushes: number;
  /** Writes applied. */
  appliedWrites: number;
  /** Batch parts a store skipped because they had been applied already (retries after a lost reply). */
  duplicateParts: number;
  /** Ops the store refused (e.g. a foreign key of another type under the prefix); reported through `error`. */
  rejectedOps: number;
  /** Writes given up (see the `drop` event). */
  droppedWrites: number;
  /** Writes not sent because their bucket was already past its retention. */
  expiredWrites: number;
}

/**
 * Time-bucketed counters, gauges, unique counts and per-entity metrics over a
 * {@link CounterStore}: the django-redis-metrics, py-analytics and
 * redis_metrics APIs in one.
 *
 * Writes (`metric`, `setMetric`, `recordMetrics`, `gauge`, `unique`,
 * `trackMetric`, `trackCount`, `setMetricByDay`, `timing`) are synchronous: they only
 * coalesce into an in-process buffer, which is flushed every
 * `flushIntervalMs`, when `maxBufferedWrites` is reached, on `flush()` and on
 * `close()` — one store round trip per flush. They throw `ValidationError` for
 * programmer errors (bad name, non-finite number, invalid timestamp) and never
 * for store failures, which go to the `error` event and are retried (a batch
 * is applied at most once); writes given up are counted and reported via
 * `drop`. Reads flush first (`readYourWrites`).
 *
 * Names (slugs, categories, entities, entity metrics) are 1–200 characters
 * without control characters or any of `{ } * ? [ ] \` (they would break the
 * Redis Cluster hash tag or SCAN patterns); entities may also be numbers.
 * Timestamps are `Date`s or epoch ms from 1970 to 9999. Buckets follow the
 * wall clock of `timeZone` (DST-correct: a repeated hour is two buckets, a
 * skipped one none) with ISO-8601 weeks (`2026-W53`); see `Calendar`.
 *
 * @example
 * ```ts
 * const metrics = new Metrics({ store: new RedisCounterStore({ url }), timeZone: 'Europe/Berlin' });
 * metrics.metric('new-user-signup', 1, { category: 'users' });
 * metrics.unique('visitors', userId);
 * const history = await metrics.getMetricHistory(['new-user-signup'], { granularity: 'day', limit: 7 });
 * await metrics.close();
 * ```
 */
export class Metrics extends EventEmitter<MetricsEvents> {
  /** The store the counters live in. */
  readonly store: CounterStore;
  private readonly options: ResolvedMetricsOptions;
  private readonly layout: KeyLayout;
  private readonly calendar: Calendar;
  private readonly access: StoreAccess;
  private readonly reads: MetricReads;
  private readonly entities: EntityReads;
  private readonly registries: Registries;
  private readonly timings: TimingReads;
  private readonly recorder: Recorder;
  private readonly queue: BatchQueue;
  private readonly clock: () => number;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private backgroundFlushing = false;
  private collecting = false;
  private closing: Promise<void> | undefined;
  private readonly exitHook: ExitFlushable;
  private readonly counters = { flushes: 0, failedFlushes: 0, appliedWrites: 0, duplicateParts: 0, rejectedOps: 0, droppedWrites: 0 };

  /** @throws ConfigurationError naming the bad option. */
  constructor(options: MetricsOptions = {}) {
    super();
    this.options = resolveMetricsOptions(options);
    this.store = options.store ?? new MemoryCounterStore({ clock: this.options.clock });
    if (typeof this.store.write !== 'function' || typeof this.store.prefix !== 'string') {
      throw new ConfigurationError('store', 'expected a CounterStore such as new RedisCounterStore({ url }) or new MemoryCounterStore()');
    }
    if (retryWindowMs(this.options) >= this.store.dedupeWindowMs) {
      throw new ConfigurationError(
        'retry',
        `a batch may be retried for up to ${retryWindowMs(this.options)} ms (retry.maxAttempts × flushTimeoutMs plus backoff), ` +
          `longer than the store remembers applied batches (${this.store.dedupeWindowMs} ms); lower retry.maxAttempts or flushTimeoutMs, or raise the store's dedupe window`,
      );
    }
    this.clock = this.options.clock;
    this.layout = new KeyLayout(this.store.prefix);
    this.calendar = new Calendar(new TimeZone(this.options.timeZone), this.options.weekStart);
    this.access = new StoreAccess({
      store: this.store,
      layout: this.layout,
      calendar: this.calendar,
      reader: new HistoryReader(this.store, this.calendar, this.options.maxHistoryBuckets, this.clock),
      options: this.options,
      beforeRead: () => this.beforeRead(),
      beforeWrite: () => this.beforeWrite(),
      registryChanged: () => this.recorder.registryChanged(),
      forgetSlug: (slug) => this.recorder.forgetSlug(slug),
    });
    this.reads = new MetricReads(this.access);
    this.entities = new EntityReads(this.access);
    this.registries = new Registries(this.access);
    this.timings = new TimingReads(this.access);
    this.recorder = new Recorder(
      this.layout,
      this.calendar,
      this.options.retention,
      {
        granularityRanks: this.options.granularities.map(granularityRank),
        uniqueRanks: this.options.uniqueGranularities.map(granularityRank),
        timingRanks: this.options.timingGranularities.map(granularityRank),
        timingRelativeAccuracy: this.options.timingRelativeAccuracy,
        maxBufferedWrites: this.options.maxBufferedWrites,
        clock: this.clock,
      },
      { dropped: (writes) => this.dropped('closed', writes), full: () => this.scheduleFlush(), cut: () => this.collect() },
    );
    this.queue = new BatchQueue(
      this.store,
      {
        retry: this.options.retry,
        timeoutMs: this.options.flushTimeoutMs,
        maxPendingWrites: this.options.maxPendingWrites,
        maxPendingBytes: this.options.maxPendingBytes,
      },
      {
        applied: (writes, durationMs, result) => {
          this.counters.flushes += 1;
          this.counters.appliedWrites += writes;
          this.counters.duplicateParts += result.duplicates;
          this.counters.rejectedOps += result.rejectedOps;
          if (result.rejectedOps > 0) {
            this.report('error', new CounterStoreError('write', `${result.rejectedOps} op(s) rejected by the store: ${result.rejection ?? 'unknown reason'}`, { writes }));
          }
          this.report('flush', { writes, durationMs, duplicates: result.duplicates });
        },
        failed: (error) => {
          this.counters.failedFlushes += 1;
          this.report('error', error);
        },
        dropped: (reason, writes, error) => this.dropped(reason, writes, error),
      },
    );
    this.flushTimer = setInterval(() => this.backgroundFlush(), this.options.flushIntervalMs);
    this.flushTimer.unref();
    // A process that ends on its own (no close) still gets its writes out: flushed when the loop runs dry.
    this.exitHook = {
      acceptedCount: () => {
        const stats = this.stats();
        return stats.appliedWrites + stats.droppedWrites + stats.expiredWrites + stats.bufferedWrites + stats.pendingWrites;
      },
      hasPending: () => this.recorder.hasPending || this.queue.length > 0,
      flush: () => this.flush(),
    };
    watchExit(this.exitHook);
  }

  /** Granularities stored by `metric`, finest first. */
  get granularities(): readonly Granularity[] {
    return this.options.granularities;
  }

  /** The configured IANA time zone (canonical name). */
  get timeZone(): string {
    return this.calendar.zone.name;
  }

  // ── counting (implemented in Recorder) ───────────────────────────────────

  /**
   * Adds `n` (default 1) to `slug` at every stored granularity. Synchronous
   * and O(1): same-second increments of a slug are summed in process.
   * @throws ValidationError for an invalid slug, category, `n`, timestamp or `expire`.
   */
  metric(slug: string, n = 1, options?: MetricOptions): void {
    this.recorder.metric(slug, n, options);
  }

  /**
   * Replaces the value of `slug`'s buckets holding `timestamp` (default now) at every stored granularity.
   * @throws ValidationError for invalid input.
   */
  setMetric(slug: string, value: number, options?: MetricOptions): void {
    this.recorder.setMetric(slug, value, options);
  }

  /**
   * Adds `count` (default 1) to `slug` at the stored granularities between
   * `minGranularity` and `maxGranularity` (the redis_metrics module's `record_metrics`).
   * @throws ValidationError for invalid input.
   */
  recordMetrics(slug: string, options: RecordMetricsOptions = {}): void {
    this.recorder.recordMetrics(slug, options);
  }

  /**
   * Sets gauge `slug` to `value` (a current value without history; last write wins).
   * @throws ValidationError for an invalid slug or value.
   */
  gauge(slug: string, value: number): void {
    this.recorder.gauge(slug, value);
  }

  /**
   * Counts `member` once per bucket of `slug` at each unique granularity
   * (HyperLogLog on Redis: about 0.81 % standard error; exact sets in memory).
   * @throws ValidationError for an invalid slug, member or timestamp.
   */
  unique(slug: string, member: string | number, options?: UniqueOptions): void {
    this.recorder.unique(slug, member, options);
  }

  /**
   * py-analytics' `track_metric`: adds `n` (default 1) to each entity's
   * metric(s) by day, week and month, and to its total (`getCount`).
   * @throws ValidationError for an invalid entity, metric, `n` or timestamp.
   */
  trackMetric(entities: string | number | readonly (string | number)[], metrics: string | readonly string[], options?: TrackMetricOptions): void {
    this.recorder.trackMetric(entities, metrics, options);
  }

  /**
   * py-analytics' `track_count`: adds `n` (default 1) to the entity metric's total (`getCount`) only, not to its days.
   * @throws ValidationError for invalid input.
   */
  trackCount(entity: string | number, metric: string, n = 1): void {
    this.recorder.trackCount(entity, metric, n);
  }

  /**
   * py-analytics' `set_metric_by_day`: replaces an entity metric's value for
   * the day holding `day` and, unless `updateCounter: false`, adjusts its total
   * (`getCount`) by the difference from the previous value, atomically in the
   * store (writes buffered before the call are applied first). Week and month
   * totals are not changed; call {@link syncAggregateMetric} to recompute them.
   * @throws ValidationError for invalid input.
   */
  setMetricByDay(entity: string | number, metric: string, day: TimeInput, value: number, options?: SetMetricByDayOptions): void {
    this.recorder.setMetricByDay(entity, metric, day, value, options);
  }

  // ── timings (DDSketch per bucket; reads in timing/TimingReads) ─────────────

  /**
   * Records a duration (ms ≥ 0) for `slug` into its bucket at every timing granularity
   * (`timingGranularities`): a DDSketch bin count plus count, sum, min and max, coalesced in process and applied
   * at most once like counters. Percentiles read back are within `timingRelativeAccuracy` (default 1 %).
   * @throws ValidationError for an invalid slug, category, timestamp, or a negative or non-finite `ms`.
   */
  timing(slug: string, ms: number, options?: TimingOptions): void {
    this.recorder.timing(slug, ms, options);
  }

  /**
   * Starts a timer for `slug`: the returned function records the milliseconds elapsed since (once per call, as
   * {@link timing} at the time of the stop) and returns them.
   * @throws ValidationError for an invalid slug (at the start).
   */
  timer(slug: string, options?: TimingOptions): () => number {
    checkName('slug', slug);
    const started = performance.now();
    return () => {
      const ms = performance.now() - started;
      this.timing(slug, ms, options);
      return ms;
    };
  }

  /**
   * Per bucket of `granularity` (a timing granularity; default day) from `since` to `until` (or the last `limit`,
   * default 30): count, sum, min, max, mean and the `percentiles` (default [50, 95, 99]) of each slug. One read
   * round trip per slug.
   * @throws ValidationError for a granularity without timings, bad percentiles or a bad range.
   */
  getTimingHistory(slugs: string | readonly string[], options: TimingHistoryOptions = {}): Promise<TimingHistory> {
    return this.timings.getTimingHistory(slugs, options);
  }

  /**
   * A slug's timings over `since`…`until` (default now) as one distribution: the bucket sketches merged, reading
   * the coarsest timing buckets that tile the range exactly (a calendar cover: a 3-day range from midnight reads 3
   * day buckets, not 72 hours). The range is rounded out to the finest timing granularity.
   * @throws ValidationError for a missing `since`, bad percentiles or a bad range.
   */
  getTimingSummary(slug: string, options: TimingSummaryOptions): Promise<TimingSummary> {
    return this.timings.getTimingSummary(slug, options);
  }

  /** Every slug with timings, sorted. */
  timingSlugs(): Promise<string[]> {
    return this.access.readSet(this.layout.timingsKey);
  }

  // ── reading (implemented in MetricReads, EntityReads, Registries) ─────────

  /** The current bucket's value at every stored granularity (django-redis-metrics' `get_metric`). */
  async getMetric(slug: string): Promise<MetricValues> {
    const [first] = await this.reads.getMetrics([slug]);
    return first!.values;
  }

  /** {@link getMetric} for several slugs, in order. */
  getMetrics(slugs: readonly string[]): Promise<SlugValues[]> {
    return this.reads.getMetrics(slugs);
  }

  /**
   * Ordered, zero-filled series of one or more slugs (django-redis-metrics'
   * `get_metric_history`). Range: `since`…`until` (default now) at
   * `granularity` (default day), or the last `limit` (default 30) buckets.
   * @throws ValidationError for a granularity that is not stored, or a bad range.
   */
  getMetricHistory(slugs: string | readonly string[], options: RangeOptions = {}): Promise<MetricHistory> {
    return this.reads.getMetricHistory(slugs, options);
  }

  /** The history as rows for a chart: `[['Period', slug…], [label, value…], …]` (django-redis-metrics' `get_metric_history_as_columns`). */
  getMetricHistoryAsColumns(slugs: string | readonly string[], options: RangeOptions = {}): Promise<(string | number)[][]> {
    return this.reads.getMetricHistoryAsColumns(slugs, options);
  }

  /** The sum of several slugs per bucket (the aggregate chart of django-redis-metrics' dashboard). */
  getAggregateHistory(slugs: readonly string[], options: RangeOptions = {}): Promise<AggregateHistory> {
    return this.reads.getAggregateHistory(slugs, options);
  }

  /**
   * Distinct members of `slug` over a range: the union of its buckets at
   * `granularity` (default day) from `since` to `until`; without `since`,
   * the last `limit` (default 1: the current bucket) buckets. On Redis a
   * HyperLogLog estimate (PFCOUNT over the range's keys, which share a hash
   * tag); exact on the memory store.
   * @throws ValidationError for a granularity without unique counts.
   */
  getUnique(slug: string, options: UniqueRangeOptions = {}): Promise<number> {
    return this.reads.getUnique(slug, options);
  }

  /** A gauge's value, or `undefined` when it was never set. */
  getGauge(slug: string): Promise<number | undefined> {
    return this.reads.getGauge(slug);
  }

  /** Slugs of every gauge, sorted. */
  gaugeSlugs(): Promise<string[]> {
    return this.registries.gaugeSlugs();
  }

  /** An entity metric per day (py-analytics' `get_metric_by_day`): `limit` (default 30) days from `since`, or up to today. */
  async getMetricByDay(entity: string | number, metric: string, options: EntityRangeOptions = {}): Promise<EntitySeries> {
    const [series] = await this.entities.getEntityMetrics([[entity, metric]], { ...options, groupBy: 'day' });
    return series!;
  }

  /** An entity metric per week (default 10 weeks). */
  async getMetricByWeek(entity: string | number, metric: string, options: EntityRangeOptions = {}): Promise<EntitySeries> {
    const [series] = await this.entities.getEntityMetrics([[entity, metric]], { ...options, groupBy: 'week' });
    return series!;
  }

  /** An entity metric per month (default 12 months). */
  async getMetricByMonth(entity: string | number, metric: string, options: EntityRangeOptions = {}): Promise<EntitySeries> {
    const [series] = await this.entities.getEntityMetrics([[entity, metric]], { ...options, groupBy: 'month' });
    return series!;
  }

  /** Several (entity, metric) series over the same buckets (py-analytics' `get_metrics`); `groupBy` day (default), week or month. */
  getEntityMetrics(pairs: readonly EntityMetricPair[], options: EntityMetricsOptions = {}): Promise<EntitySeries[]> {
    return this.entities.getEntityMetrics(pairs, options);
  }

  /**
   * py-analytics' `get_count`: without a range, the entity metric's total
   * (every `trackMetric` and `trackCount` amount, adjusted by
   * `setMetricByDay`); with `since` (and `until`, default now), the sum of its
   * `trackMetric` days from the day holding `since` to the day holding `until`.
   * @throws ValidationError for an invalid name or range.
   */
  getCount(entity: string | number, metric: string, options: CountOptions = {}): Promise<number> {
    return this.entities.getCount(entity, metric, options);
  }

  /** {@link getCount} of several (entity, metric) pairs, in order, over the same range if any (py-analytics' `get_counts`). */
  getCounts(pairs: readonly EntityMetricPair[], options: CountOptions = {}): Promise<number[]> {
    return this.entities.getCounts(pairs, options);
  }

  /**
   * py-analytics' `sync_agg_metric`: recomputes an entity metric's week and
   * month totals from its days, for the weeks and months touching
   * `since`…`until` (default: the current month).
   */
  syncAggregateMetric(entity: string | number, metric: string, options: CountOptions = {}): Promise<void> {
    return this.entities.syncAggregateMetric(entity, metric, options);
  }

  // ── registries ────────────────────────────────────────────────────────────

  /** Every slug counted (by `metric`, `setMetric`, `recordMetrics` or `unique`), sorted. */
  metricSlugs(): Promise<string[]> {
    return this.registries.metricSlugs();
  }

  /** Every category, sorted. */
  categories(): Promise<string[]> {
    return this.registries.categories();
  }

  /** Slugs of one category, sorted. */
  categorySlugs(category: string): Promise<string[]> {
    return this.registries.categorySlugs(category);
  }

  /**
   * Category → its slugs (sorted), plus the slugs of no category under
   * `'Uncategorized'` (`UNCATEGORIZED`, as django-redis-metrics; present only when
   * there are such slugs).
   */
  metricSlugsByCategory(): Promise<Record<string, string[]>> {
    return this.registries.metricSlugsByCategory();
  }

  /** Deletes every bucket and unique count of `slug` (after flushing earlier writes; SCAN + UNLINK on Redis) and removes it from the registries. */
  deleteMetric(slug: string): Promise<void> {
    return this.registries.deleteMetric(slug);
  }

  /** Removes a category from the registry; its metrics stay. */
  deleteCategory(category: string): Promise<void> {
    return this.registries.deleteCategory(category);
  }

  /** Makes `slugs` exactly the members of `category` (an empty list removes the category). */
  resetCategory(category: string, slugs: readonly string[]): Promise<void> {
    return this.registries.resetCategory(category, slugs);
  }

  /** Deletes a gauge. */
  deleteGauge(slug: string): Promise<void> {
    return this.registries.deleteGauge(slug);
  }

  /**
   * Deletes everything under the store's key prefix (Redis: SCAN + UNLINK,
   * never KEYS), and discards buffered and queued writes. Returns the number
   * of keys deleted.
   */
  async clearAll(): Promise<number> {
    this.assertOpen();
    this.recorder.discardAll();
    this.queue.clear();
    await this.queue.drain().catch(() => undefined); // let a batch in flight land first
    this.queue.clear(); // or, if it failed, forget it: a later retry would bring it back after the clear
    return this.access.read(() => this.store.clear(), 'delete');
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────

  /**
   * Writes everything buffered so far to the store. Resolves when every
   * earlier write is applied; rejects with a `CounterStoreError` when the store
   * failed — the data is kept and retried in the background (do not write it
   * again: that would count it twice).
   */
  async flush(): Promise<void> {
    this.collect();
    await this.queue.drain();
  }

  /**
   * Flushes, stops the timer and closes the store (a client passed to the
   * store stays open), all within `timeoutMs` (default 5000,
   * {@link DEFAULT_METRICS_CLOSE_TIMEOUT_MS}): the flush gets what it needs of
   * it, the store's close the rest, then disconnects hard — a hung server
   * cannot stall a SIGTERM handler. Writes not applied by then are dropped
   * (`drop`, reason `closed`); a batch already sent to a hung server is
   * reported once its write deadline (`flushTimeoutMs`) has passed, since
   * until then the server could still apply it. Idempotent (later calls
   * return the first call's promise).
   */
  close(timeoutMs: number = DEFAULT_METRICS_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closing === undefined && (typeof timeoutMs !== 'number' || !(timeoutMs >= 0))) {
      throw new ConfigurationError('timeoutMs', `expected a number of ms ≥ 0, got ${String(timeoutMs)}`);
    }
    this.closing ??= (async () => {
      const deadline = Date.now() + timeoutMs;
      this.recorder.closed = true;
      unwatchExit(this.exitHook);
      if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
      this.flushTimer = undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        const flushed = this.flush();
        flushed.catch(() => undefined);
        await Promise.race([flushed, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      } catch {
        // reported through `error`; what is left is dropped below and reported through `drop`
      } finally {
        clearTimeout(timer);
      }
      this.queue.close();
      await this.store.close(Math.max(0, deadline - Date.now()));
    })();
    return this.closing;
  }

  /** Counters since construction plus what is buffered and pending now. */
  stats(): MetricsStats {
    return {
      ...this.counters,
      expiredWrites: this.recorder.expiredWrites,
      bufferedWrites: this.recorder.bufferedWrites,
      pendingWrites: this.queue.pendingWrites,
      pendingBytes: this.queue.pendingBytes,
      pendingBatches: this.queue.length,
    };
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.backgroundFlush();
    });
  }

  /** Moves buffered writes into a queued batch. */
  private collect(): void {
    if (this.collecting) return;
    this.collecting = true;
    try {
      const { ops, writes } = this.recorder.take();
      if (writes > 0) this.queue.enqueue(ops, writes);
    } finally {
      this.collecting = false;
    }
  }

  private backgroundFlush(): void {
    if (this.recorder.closed) return;
    this.collect();
    // A failed batch is retried by the queue's backoff timer; sending now would use up its attempts early.
    if (this.backgroundFlushing || this.queue.length === 0 || this.queue.waitingForRetry) return;
    this.backgroundFlushing = true;
    this.queue
      .drain()
      .catch(() => undefined) // reported through `error`, retried by the queue
      .finally(() => {
        this.backgroundFlushing = false;
      });
  }

  private async beforeRead(): Promise<void> {
    this.assertOpen();
    if (this.options.readYourWrites && (this.recorder.hasPending || this.queue.length > 0)) await this.flush();
  }

  private async beforeWrite(): Promise<void> {
    this.assertOpen();
    await this.flush();
  }

  private assertOpen(): void {
    if (this.recorder.closed) throw new CounterStoreError('read', 'this Metrics instance is closed');
  }

  private dropped(reason: MetricsDropReason, writes: number, error?: unknown): void {
    this.counters.droppedWrites += writes;
    this.report('drop', error === undefined ? { reason, writes } : { reason, writes, error });
  }

  /** Emits without letting a throwing listener break the write path. */
  private report<E extends keyof MetricsEvents>(event: E, payload: Parameters<MetricsEvents[E]>[0]): void {
    try {
      (this.emit as (e: E, p: unknown) => boolean)(event, payload);
    } catch {
      // a listener's own failure is not ours to surface
    }
  }
}
