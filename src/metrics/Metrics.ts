import { EventEmitter } from 'eventemitter3';
import { ConfigurationError, CounterStoreError, ValidationError } from '../errors.js';
import { BatchQueue, type DropReason } from './BatchQueue.js';
import { Calendar } from './Calendar.js';
import type { CounterStore, WriteOp } from './CounterStore.js';
import { checkGranularity, granularityRank, type Granularity } from './granularity.js';
import { HistoryReader, sum, toBucket } from './HistoryReader.js';
import { KeyLayout } from './keys.js';
import { MemoryCounterStore } from './memory/MemoryCounterStore.js';
import { resolveMetricsOptions, retryWindowMs, type MetricsOptions, type ResolvedMetricsOptions } from './MetricsOptions.js';
import { checkAmount, checkEntity, checkMember, checkName, toEpochMs } from './names.js';
import { Series } from './Series.js';
import { TimeZone } from './TimeZone.js';
import type {
  AggregateHistory, CountOptions, EntityGranularity, EntityMetricPair, EntityMetricsOptions, EntityRangeOptions,
  EntitySeries, MetricHistory, MetricOptions, MetricValues, RangeOptions, RecordMetricsOptions, SlugValues, TimeInput,
  TrackMetricOptions, UniqueOptions, UniqueRangeOptions,
} from './types.js';
import { WriteBuffer } from './WriteBuffer.js';

/** Events of {@link Metrics} (an eventemitter3 emitter; an unheard `error` is not thrown). */
export interface MetricsEvents {
  /** A flush or store operation failed; failed flushes are retried (see `error.attempt`). */
  error: (error: CounterStoreError) => void;
  /** Writes given up: `retries_exhausted`, `overflow` (too much pending), `closed` (written after close), `expired` (older than retention). */
  drop: (info: { reason: DropReason; writes: number; error?: unknown }) => void;
  /** A flush batch was applied. */
  flush: (info: { writes: number; durationMs: number; duplicates: number }) => void;
}

/** Counters of {@link Metrics.stats}. Writes are coalesced: one write is one hash field, member or key. */
export interface MetricsStats {
  bufferedWrites: number;
  pendingWrites: number;
  pendingBatches: number;
  flushes: number;
  failedFlushes: number;
  appliedWrites: number;
  /** Batch parts a store skipped because they had been applied already (retries after a lost reply). */
  duplicateParts: number;
  rejectedOps: number;
  droppedWrites: number;
  expiredWrites: number;
}

const ENTITY_RANKS = [3, 4, 5];
const ENTITY_DEFAULT_LIMITS: Readonly<Record<EntityGranularity, number>> = { day: 30, week: 10, month: 12 };
const SERIES_CACHE_LIMIT = 50_000;

/**
 * Time-bucketed counters, gauges, unique counts and per-entity metrics over a
 * {@link CounterStore}: the django-redis-metrics, py-analytics and
 * redis_metrics APIs in one.
 *
 * Writes (`metric`, `setMetric`, `recordMetrics`, `gauge`, `unique`,
 * `trackMetric`, `trackCount`, `setMetricByDay`) are synchronous: they only
 * coalesce into an in-process buffer, which is flushed every
 * `flushIntervalMs`, when `maxBufferedWrites` is reached, on `flush()` and on
 * `close()` — one store round trip per flush. They throw `ValidationError` for
 * programmer errors (bad name, non-finite number, invalid timestamp) and never
 * for store failures, which go to the `error` event and are retried (a batch
 * is applied at most once); writes given up are counted and reported via
 * `drop`. Reads flush first (`readYourWrites`).
 */
export class Metrics extends EventEmitter<MetricsEvents> {
  /** The store the counters live in. */
  readonly store: CounterStore;
  private readonly options: ResolvedMetricsOptions;
  private readonly layout: KeyLayout;
  private readonly calendar: Calendar;
  private readonly reader: HistoryReader;
  private readonly buffer = new WriteBuffer();
  private readonly queue: BatchQueue;
  private readonly ranks: readonly number[];
  private readonly uniqueRanks: readonly number[];
  private readonly clock: () => number;
  private metricSeries = new Map<string, Series>();
  private uniqueSeries = new Map<string, Series>();
  private entitySeries = new Map<string, Series>();
  private dirty: Series[] = [];
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private backgroundFlushing = false;
  private closing: Promise<void> | undefined;
  private closed = false;
  private readonly counters = { flushes: 0, failedFlushes: 0, appliedWrites: 0, duplicateParts: 0, rejectedOps: 0, droppedWrites: 0, expiredWrites: 0 };

  /** @throws ConfigurationError naming the bad option. */
  constructor(options: MetricsOptions = {}) {
    super();
    this.options = resolveMetricsOptions(options);
    this.store = options.store ?? new MemoryCounterStore();
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
    this.reader = new HistoryReader(this.store, this.calendar, this.options.maxHistoryBuckets, this.clock);
    this.ranks = this.options.granularities.map(granularityRank);
    this.uniqueRanks = this.options.uniqueGranularities.map(granularityRank);
    this.queue = new BatchQueue(
      this.store,
      { retry: this.options.retry, timeoutMs: this.options.flushTimeoutMs, maxPendingWrites: this.options.maxPendingWrites },
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
    this.timer = setInterval(() => this.backgroundFlush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Granularities stored by `metric`, finest first. */
  get granularities(): readonly Granularity[] {
    return this.options.granularities;
  }

  /** The configured IANA time zone (canonical name). */
  get timeZone(): string {
    return this.calendar.zone.name;
  }

  // ── counting ──────────────────────────────────────────────────────────────

  /**
   * Adds `n` (default 1) to `slug` at every stored granularity.
   * @throws ValidationError for an invalid slug, category, `n`, timestamp or `expire`.
   */
  metric(slug: string, n = 1, options?: MetricOptions): void {
    if (typeof n !== 'number' || !Number.isFinite(n)) checkAmount('n', n);
    const series = this.metricSeries.get(slug) ?? this.newSeries(this.metricSeries, slug, slug, this.layout.metricBase(slug), this.ranks);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    if (this.closed) return this.dropped('closed', 1);
    if (options !== undefined) {
      const lt = this.expireOption(options.expire);
      if (options.category !== undefined) this.registerCategory(series, options.category);
      if (lt !== 0) {
        this.register(series);
        this.writeHash(series, ms, n, this.ranks, lt, false);
        return;
      }
    }
    if (series.generation !== this.generation) this.register(series);
    const second = Math.floor(ms / 1000);
    if (second === series.second) {
      series.count += n;
      return;
    }
    if (series.second !== -1) this.spill(series);
    else this.dirty.push(series);
    series.second = second;
    series.ms = ms;
    series.count = n;
  }

  /**
   * Replaces the value of `slug`'s buckets holding `timestamp` (default now) at every stored granularity.
   * @throws ValidationError for invalid input.
   */
  setMetric(slug: string, value: number, options?: MetricOptions): void {
    checkAmount('value', value);
    const series = this.metricSeries.get(slug) ?? this.newSeries(this.metricSeries, slug, slug, this.layout.metricBase(slug), this.ranks);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    const lt = this.expireOption(options?.expire);
    if (this.closed) return this.dropped('closed', 1);
    if (options?.category !== undefined) this.registerCategory(series, options.category);
    this.register(series);
    if (series.second !== -1) this.spill(series); // earlier increments first
    this.writeHash(series, ms, value, this.ranks, lt, true);
  }

  /**
   * Adds `count` (default 1) to `slug` at the stored granularities between
   * `minGranularity` and `maxGranularity` (the redis_metrics module's `record_metrics`).
   * @throws ValidationError for invalid input.
   */
  recordMetrics(slug: string, options: RecordMetricsOptions = {}): void {
    const count = options.count === undefined ? 1 : checkAmount('count', options.count);
    const min = options.minGranularity === undefined ? 0 : granularityRank(checkGranularity(options.minGranularity, 'minGranularity'));
    const max = options.maxGranularity === undefined ? 6 : granularityRank(checkGranularity(options.maxGranularity, 'maxGranularity'));
    if (min > max) throw new ValidationError('invalid_granularity', `minGranularity (${options.minGranularity}) is coarser than maxGranularity (${options.maxGranularity})`);
    const series = this.metricSeries.get(slug) ?? this.newSeries(this.metricSeries, slug, slug, this.layout.metricBase(slug), this.ranks);
    const ms = options.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    if (this.closed) return this.dropped('closed', 1);
    if (options.category !== undefined) this.registerCategory(series, options.category);
    this.register(series);
    this.writeHash(series, ms, count, this.ranks.filter((r) => r >= min && r <= max), 0, false);
  }

  /**
   * Sets gauge `slug` to `value` (a current value without history; last write wins).
   * @throws ValidationError for an invalid slug or value.
   */
  gauge(slug: string, value: number): void {
    checkName('slug', slug);
    checkAmount('value', value);
    if (this.closed) return this.dropped('closed', 1);
    this.buffer.setString(this.layout.gaugeKey(slug), String(value));
    this.buffer.sadd(this.layout.gaugesKey, slug);
    this.afterWrite();
  }

  /**
   * Counts `member` once per bucket of `slug` at each unique granularity
   * (HyperLogLog on Redis: about 0.81 % standard error; exact sets in memory).
   * @throws ValidationError for an invalid slug, member or timestamp.
   */
  unique(slug: string, member: string | number, options?: UniqueOptions): void {
    const value = typeof member === 'string' && member.length <= 1024 ? member : checkMember(member);
    const series = this.uniqueSeries.get(slug) ?? this.newSeries(this.uniqueSeries, slug, slug, this.layout.uniqueBase(slug), this.uniqueRanks, true);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    if (this.closed) return this.dropped('closed', 1);
    if (series.generation !== this.generation) this.register(series);
    series.keysFor(this.calendar.slotsAt(ms));
    const now = this.clock() / 1000;
    for (const rank of series.ranks) {
      const nx = series.expiries[rank]!;
      if (nx !== 0 && nx <= now) this.counters.expiredWrites += 1;
      else this.buffer.pfadd(series.keys[rank]!, value, nx);
    }
    this.afterWrite();
  }

  /**
   * py-analytics' `track_metric`: adds `n` (default 1) to each entity's
   * metric(s) by day, week and month.
   * @throws ValidationError for an invalid entity, metric, `n` or timestamp.
   */
  trackMetric(entities: string | number | readonly (string | number)[], metrics: string | readonly string[], options?: TrackMetricOptions): void {
    const n = options?.n === undefined ? 1 : checkAmount('n', options.n);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    const entityList = Array.isArray(entities) ? (entities as readonly (string | number)[]) : [entities as string | number];
    const metricList = typeof metrics === 'string' ? [metrics] : metrics;
    if (this.closed) return this.dropped('closed', entityList.length * metricList.length);
    for (const rawEntity of entityList) {
      const entity = typeof rawEntity === 'number' ? checkEntity(rawEntity) : rawEntity;
      for (const metric of metricList) {
        const id = `${entity}\u0000${metric}`;
        let series = this.entitySeries.get(id);
        if (series === undefined) {
          checkEntity(entity);
          checkName('metric', metric);
          series = this.newSeries(this.entitySeries, id, metric, this.layout.entityBase(entity, metric), ENTITY_RANKS);
        }
        const second = Math.floor(ms / 1000);
        if (second === series.second) {
          series.count += n;
          continue;
        }
        if (series.second !== -1) this.spill(series);
        else this.dirty.push(series);
        series.second = second;
        series.ms = ms;
        series.count = n;
      }
    }
  }

  /**
   * py-analytics' `track_count`: adds `n` (default 1) to a plain per-entity total.
   * @throws ValidationError for invalid input.
   */
  trackCount(entity: string | number, metric: string, n = 1): void {
    const id = checkEntity(entity);
    checkName('metric', metric);
    checkAmount('n', n);
    if (this.closed) return this.dropped('closed', 1);
    this.buffer.incr(this.layout.countKey(id), metric, n, 0);
    this.afterWrite();
  }

  /**
   * py-analytics' `set_metric_by_day`: replaces an entity metric's value for
   * the day holding `day`. Week and month totals are not changed; call
   * {@link syncAggregateMetric} to recompute them.
   * @throws ValidationError for invalid input.
   */
  setMetricByDay(entity: string | number, metric: string, day: TimeInput, value: number): void {
    const id = checkEntity(entity);
    checkName('metric', metric);
    checkAmount('value', value);
    const ms = toEpochMs(day, 'day');
    if (this.closed) return this.dropped('closed', 1);
    const series = new Series(metric, this.layout.entityBase(id, metric), [3], this.options.retention);
    const pending = this.entitySeries.get(`${id}\u0000${metric}`);
    if (pending !== undefined && pending.second !== -1) this.spill(pending);
    this.writeHash(series, ms, value, [3], 0, true);
  }

  // ── reading ───────────────────────────────────────────────────────────────

  /** The current bucket's value at every stored granularity (django-redis-metrics' `get_metric`). */
  async getMetric(slug: string): Promise<MetricValues> {
    const [first] = await this.getMetrics([slug]);
    return first!.values;
  }

  /** {@link getMetric} for several slugs, in order. */
  async getMetrics(slugs: readonly string[]): Promise<SlugValues[]> {
    for (const slug of slugs) checkName('slug', slug);
    await this.beforeRead();
    const now = this.clock();
    const located = this.options.granularities.map((g) => this.calendar.locate(g, now));
    const reads = slugs.flatMap((slug) => located.map((b) => ({ key: this.layout.metricKey(slug, b.granularity, b.container), fields: [b.field] })));
    const replies = await this.read(() => this.store.readHashes(reads));
    return slugs.map((slug, s) => {
      const values: MetricValues = {};
      located.forEach((b, i) => {
        values[b.granularity] = replies[s * located.length + i]![0] ?? 0;
      });
      return { slug, values };
    });
  }

  /**
   * Ordered, zero-filled series of one or more slugs (django-redis-metrics'
   * `get_metric_history`). Range: `since`…`until` (default now) at
   * `granularity` (default day), or the last `limit` (default 30) buckets.
   * @throws ValidationError for a granularity that is not stored, or a bad range.
   */
  async getMetricHistory(slugs: string | readonly string[], options: RangeOptions = {}): Promise<MetricHistory> {
    const list = typeof slugs === 'string' ? [slugs] : [...slugs];
    for (const slug of list) checkName('slug', slug);
    const granularity = this.storedGranularity(options.granularity, this.options.granularities);
    const buckets = this.reader.range(granularity, options.since, options.until, options.limit, 30);
    await this.beforeRead();
    const values = await this.read(() => this.reader.read(list.map((s) => this.layout.metricBase(s)), granularity, buckets));
    return {
      granularity,
      buckets: buckets.map(toBucket),
      series: list.map((slug, i) => ({ slug, values: values[i]!, total: sum(values[i]!) })),
    };
  }

  /** The history as rows for a chart: `[['Period', slug…], [label, value…], …]` (django-redis-metrics' `get_metric_history_as_columns`). */
  async getMetricHistoryAsColumns(slugs: string | readonly string[], options: RangeOptions = {}): Promise<(string | number)[][]> {
    const history = await this.getMetricHistory(slugs, options);
    const rows: (string | number)[][] = [['Period', ...history.series.map((s) => s.slug)]];
    history.buckets.forEach((bucket, i) => rows.push([bucket.label, ...history.series.map((s) => s.values[i]!)]));
    return rows;
  }

  /** The sum of several slugs per bucket (the aggregate chart of django-redis-metrics' dashboard). */
  async getAggregateHistory(slugs: readonly string[], options: RangeOptions = {}): Promise<AggregateHistory> {
    const history = await this.getMetricHistory(slugs, options);
    const values = history.buckets.map((_, i) => sum(history.series.map((s) => s.values[i]!)));
    return { granularity: history.granularity, slugs: [...slugs], buckets: history.buckets, values, total: sum(values) };
  }

  /**
   * Distinct members of `slug` over a range: the union of its buckets at
   * `granularity` (default day) from `since` to `until`; without `since`,
   * the last `limit` (default 1: the current bucket) buckets.
   * @throws ValidationError for a granularity without unique counts.
   */
  async getUnique(slug: string, options: UniqueRangeOptions = {}): Promise<number> {
    checkName('slug', slug);
    const granularity = this.storedGranularity(options.granularity, this.options.uniqueGranularities, 'uniqueGranularities');
    const buckets = this.reader.range(granularity, options.since, options.until, options.limit, 1);
    await this.beforeRead();
    const keys = buckets.map((b) => this.layout.uniqueKey(slug, granularity, b.container, b.field));
    return this.read(() => this.store.countUnique(keys));
  }

  /** A gauge's value, or `undefined` when it was never set. */
  async getGauge(slug: string): Promise<number | undefined> {
    checkName('slug', slug);
    await this.beforeRead();
    const [value] = await this.read(() => this.store.readStrings([this.layout.gaugeKey(slug)]));
    return value === null || value === undefined ? undefined : Number(value);
  }

  /** Slugs of every gauge, sorted. */
  async gaugeSlugs(): Promise<string[]> {
    return this.readSet(this.layout.gaugesKey);
  }

  /** An entity metric per day (py-analytics' `get_metric_by_day`): `limit` (default 30) days from `since`, or up to today. */
  getMetricByDay(entity: string | number, metric: string, options: EntityRangeOptions = {}): Promise<EntitySeries> {
    return this.entitySeriesOf(entity, metric, 'day', options);
  }

  /** An entity metric per week (default 10 weeks). */
  getMetricByWeek(entity: string | number, metric: string, options: EntityRangeOptions = {}): Promise<EntitySeries> {
    return this.entitySeriesOf(entity, metric, 'week', options);
  }

  /** An entity metric per month (default 12 months). */
  getMetricByMonth(entity: string | number, metric: string, options: EntityRangeOptions = {}): Promise<EntitySeries> {
    return this.entitySeriesOf(entity, metric, 'month', options);
  }

  /** Several (entity, metric) series over the same buckets (py-analytics' `get_metrics`); `groupBy` day (default), week or month. */
  async getEntityMetrics(pairs: readonly EntityMetricPair[], options: EntityMetricsOptions = {}): Promise<EntitySeries[]> {
    const groupBy = options.groupBy ?? 'day';
    if (groupBy !== 'day' && groupBy !== 'week' && groupBy !== 'month') throw new ValidationError('invalid_granularity', `groupBy must be 'day', 'week' or 'month', got ${JSON.stringify(groupBy)}`);
    const checked = pairs.map(([entity, metric]) => [checkEntity(entity), checkName('metric', metric)] as const);
    const buckets = this.reader.forward(groupBy, options.since, options.limit, ENTITY_DEFAULT_LIMITS[groupBy]);
    await this.beforeRead();
    const values = await this.read(() => this.reader.read(checked.map(([e, m]) => this.layout.entityBase(e, m)), groupBy, buckets));
    const shared = buckets.map(toBucket);
    return checked.map(([entity, metric], i) => ({ entity, metric, granularity: groupBy, buckets: shared, values: values[i]!, total: sum(values[i]!) }));
  }

  /**
   * py-analytics' `get_count`: without a range, the `trackCount` total; with
   * `since` (and `until`, default now), the sum of the `trackMetric` days in it.
   */
  async getCount(entity: string | number, metric: string, options: CountOptions = {}): Promise<number> {
    const id = checkEntity(entity);
    checkName('metric', metric);
    if (options.since === undefined && options.until === undefined) {
      const [count] = await this.getCounts([[id, metric]]);
      return count!;
    }
    if (options.since === undefined) throw new ValidationError('invalid_range', 'getCount needs `since` when `until` is given');
    const buckets = this.reader.range('day', options.since, options.until, undefined, 1);
    await this.beforeRead();
    const [values] = await this.read(() => this.reader.read([this.layout.entityBase(id, metric)], 'day', buckets));
    return sum(values!);
  }

  /** `trackCount` totals of several (entity, metric) pairs, in order (py-analytics' `get_counts`). */
  async getCounts(pairs: readonly EntityMetricPair[]): Promise<number[]> {
    const reads = pairs.map(([entity, metric]) => ({ key: this.layout.countKey(checkEntity(entity)), fields: [checkName('metric', metric)] }));
    await this.beforeRead();
    const replies = await this.read(() => this.store.readHashes(reads));
    return replies.map((reply) => reply[0] ?? 0);
  }

  /**
   * py-analytics' `sync_agg_metric`: recomputes an entity metric's week and
   * month totals from its days, for the weeks and months touching
   * `since`…`until` (default: the current month).
   */
  async syncAggregateMetric(entity: string | number, metric: string, options: CountOptions = {}): Promise<void> {
    const id = checkEntity(entity);
    checkName('metric', metric);
    const until = options.until === undefined ? this.clock() : toEpochMs(options.until, 'until');
    const since = options.since === undefined ? this.calendar.locate('month', until).start : toEpochMs(options.since, 'since');
    const weeks = this.calendar.range('week', since, until, this.options.maxHistoryBuckets);
    const months = this.calendar.range('month', since, until, this.options.maxHistoryBuckets);
    const from = Math.min(weeks[0]!.start, months[0]!.start);
    const to = Math.max(weeks[weeks.length - 1]!.end, months[months.length - 1]!.end) - 1;
    const days = this.calendar.range('day', from, to, this.options.maxHistoryBuckets);
    await this.beforeRead();
    const [values] = await this.read(() => this.reader.read([this.layout.entityBase(id, metric)], 'day', days));
    const totals = new Map<string, { key: string; field: string; value: number }>();
    for (const period of [...weeks, ...months]) {
      totals.set(`${period.granularity}:${period.label}`, { key: this.layout.entityKey(id, metric, period.granularity, period.container), field: period.field, value: 0 });
    }
    days.forEach((day, i) => {
      for (const g of ['week', 'month'] as const) {
        const total = totals.get(`${g}:${this.calendar.locate(g, day.start).label}`);
        if (total !== undefined) total.value += values![i]!;
      }
    });
    const ops: WriteOp[] = [...totals.values()].map((t) => ({ kind: 'hset', key: t.key, fields: [t.field], values: [t.value] }));
    await this.writeNow(ops);
  }

  // ── registries ────────────────────────────────────────────────────────────

  /** Every slug counted (by `metric`, `setMetric`, `recordMetrics` or `unique`), sorted. */
  metricSlugs(): Promise<string[]> {
    return this.readSet(this.layout.slugsKey);
  }

  /** Every category, sorted. */
  categories(): Promise<string[]> {
    return this.readSet(this.layout.categoriesKey);
  }

  /** Slugs of one category, sorted. */
  categorySlugs(category: string): Promise<string[]> {
    return this.readSet(this.layout.categoryKey(checkName('category', category)));
  }

  /** Category → its slugs (sorted). */
  async metricSlugsByCategory(): Promise<Record<string, string[]>> {
    const categories = await this.categories();
    const sets = await this.read(() => this.store.readSets(categories.map((c) => this.layout.categoryKey(c))));
    return Object.fromEntries(categories.map((c, i) => [c, sets[i]!.sort()]));
  }

  /** Deletes every bucket and unique count of `slug` (after flushing earlier writes) and removes it from the registries. */
  async deleteMetric(slug: string): Promise<void> {
    checkName('slug', slug);
    await this.beforeRead();
    this.metricSeries.delete(slug);
    this.uniqueSeries.delete(slug);
    await this.read(async () => {
      await this.store.deleteByPrefix(this.layout.metricBase(slug));
      await this.store.deleteByPrefix(this.layout.uniqueBase(slug));
    });
    const categories = await this.categories();
    await this.writeNow([
      { kind: 'srem', key: this.layout.slugsKey, members: [slug] },
      ...categories.map((c): WriteOp => ({ kind: 'srem', key: this.layout.categoryKey(c), members: [slug] })),
    ]);
  }

  /** Removes a category from the registry; its metrics stay. */
  async deleteCategory(category: string): Promise<void> {
    checkName('category', category);
    await this.beforeRead();
    await this.writeNow([
      { kind: 'del', key: this.layout.categoryKey(category) },
      { kind: 'srem', key: this.layout.categoriesKey, members: [category] },
    ]);
  }

  /** Makes `slugs` exactly the members of `category` (an empty list removes the category). */
  async resetCategory(category: string, slugs: readonly string[]): Promise<void> {
    checkName('category', category);
    for (const slug of slugs) checkName('slug', slug);
    await this.beforeRead();
    const key = this.layout.categoryKey(category);
    await this.writeNow(
      slugs.length === 0
        ? [{ kind: 'del', key }, { kind: 'srem', key: this.layout.categoriesKey, members: [category] }]
        : [{ kind: 'del', key }, { kind: 'sadd', key, members: [...slugs] }, { kind: 'sadd', key: this.layout.categoriesKey, members: [category] }],
    );
  }

  /** Deletes a gauge. */
  async deleteGauge(slug: string): Promise<void> {
    checkName('slug', slug);
    await this.beforeRead();
    await this.writeNow([
      { kind: 'del', key: this.layout.gaugeKey(slug) },
      { kind: 'srem', key: this.layout.gaugesKey, members: [slug] },
    ]);
  }

  /**
   * Deletes everything under the store's key prefix (Redis: SCAN + UNLINK,
   * never KEYS), and discards buffered and queued writes. Returns the number
   * of keys deleted.
   */
  async clearAll(): Promise<number> {
    this.assertOpen();
    this.buffer.take();
    for (const series of this.dirty) series.second = -1;
    this.dirty = [];
    this.queue.clear();
    await this.queue.drain().catch(() => undefined); // let a batch in flight land first
    this.resetSeries();
    return this.read(() => this.store.clear(), 'delete');
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

  /** Flushes, stops the timer and closes the store (a client passed to the store stays open). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      if (this.timer !== undefined) clearInterval(this.timer);
      this.timer = undefined;
      try {
        await this.flush();
      } catch {
        // reported through `error`; what is left is dropped below and reported through `drop`
      }
      this.queue.close();
      await this.store.close();
    })();
    return this.closing;
  }

  /** Counters since construction plus what is buffered and pending now. */
  stats(): MetricsStats {
    let pendingSeries = 0;
    for (const series of this.dirty) if (series.second !== -1) pendingSeries += 1;
    return {
      ...this.counters,
      bufferedWrites: this.buffer.size + pendingSeries,
      pendingWrites: this.queue.pendingWrites,
      pendingBatches: this.queue.length,
    };
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private newSeries(cache: Map<string, Series>, id: string, name: string, base: string, ranks: readonly number[], perBucketKeys = false): Series {
    if (cache !== this.entitySeries) checkName('slug', name);
    const series = new Series(name, base, ranks, this.options.retention, perBucketKeys);
    cache.set(id, series);
    return series;
  }

  /** Writes a series' pending same-second count into the buffer. */
  private spill(series: Series): void {
    const count = series.count;
    series.second = -1;
    series.count = 0;
    this.writeHash(series, series.ms, count, series.ranks, 0, false);
  }

  private writeHash(series: Series, ms: number, value: number, ranks: readonly number[], lt: number, replace: boolean): void {
    const slots = this.calendar.slotsAt(ms);
    series.keysFor(slots);
    const now = this.clock() / 1000;
    for (const rank of ranks) {
      const nx = series.expiries[rank]!;
      if (nx !== 0 && nx <= now) {
        this.counters.expiredWrites += 1;
        continue;
      }
      if (replace) this.buffer.hset(series.keys[rank]!, slots.fields[rank]!, value, nx, lt);
      else this.buffer.incr(series.keys[rank]!, slots.fields[rank]!, value, nx, lt);
    }
    this.afterWrite();
  }

  private register(series: Series): void {
    if (series.generation === this.generation) return;
    series.generation = this.generation;
    series.category = undefined;
    this.buffer.sadd(this.layout.slugsKey, series.name);
  }

  private registerCategory(series: Series, category: string): void {
    if (series.category === category && series.generation === this.generation) return;
    checkName('category', category);
    this.register(series);
    series.category = category;
    this.buffer.sadd(this.layout.categoryKey(category), series.name);
    this.buffer.sadd(this.layout.categoriesKey, category);
  }

  private expireOption(expire: number | undefined): number {
    if (expire === undefined) return 0;
    if (typeof expire !== 'number' || !(expire > 0) || !Number.isFinite(expire)) {
      throw new ValidationError('invalid_number', `expire must be a positive number of seconds, got ${String(expire)}`);
    }
    return Math.ceil(this.clock() / 1000 + expire);
  }

  private afterWrite(): void {
    if (this.buffer.size >= this.options.maxBufferedWrites && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.backgroundFlush();
      });
    }
  }

  /** Moves pending counts and the buffer into a queued batch. */
  private collect(): void {
    for (const series of this.dirty) if (series.second !== -1) this.spill(series);
    this.dirty = [];
    const writes = this.buffer.size;
    if (writes > 0) {
      this.queue.enqueue(this.buffer.take(), writes);
      this.generation += 1;
    }
    if (this.metricSeries.size + this.entitySeries.size + this.uniqueSeries.size > SERIES_CACHE_LIMIT) this.resetSeries();
  }

  private resetSeries(): void {
    this.metricSeries = new Map();
    this.uniqueSeries = new Map();
    this.entitySeries = new Map();
    this.dirty = [];
    this.generation += 1;
  }

  private backgroundFlush(): void {
    if (this.closed) return;
    this.collect();
    if (this.backgroundFlushing || this.queue.length === 0) return;
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
    if (this.options.readYourWrites && (this.buffer.size > 0 || this.dirty.length > 0 || this.queue.length > 0)) await this.flush();
  }

  private assertOpen(): void {
    if (this.closed) throw new CounterStoreError('read', 'this Metrics instance is closed');
  }

  private async read<T>(run: () => Promise<T>, operation: 'read' | 'write' | 'delete' = 'read'): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ValidationError || error instanceof CounterStoreError) throw error;
      throw new CounterStoreError(operation, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  private async readSet(key: string): Promise<string[]> {
    await this.beforeRead();
    const [members] = await this.read(() => this.store.readSets([key]));
    return members!.sort();
  }

  /** Applies registry and maintenance ops directly (idempotent ops; not buffered). */
  private async writeNow(ops: readonly WriteOp[]): Promise<void> {
    this.assertOpen();
    this.generation += 1; // registrations are re-sent after any registry change
    await this.read(() => this.store.write({ id: `direct.${process.pid}.${this.clock()}.${Math.random().toString(36).slice(2)}`, ops }), 'write');
  }

  private storedGranularity(value: Granularity | undefined, stored: readonly Granularity[], option = 'granularities'): Granularity {
    const granularity = value === undefined ? 'day' : checkGranularity(value);
    if (!stored.includes(granularity)) {
      throw new ValidationError('granularity_not_stored', `granularity '${granularity}' is not stored; the \`${option}\` option lists ${stored.join(', ')}`);
    }
    return granularity;
  }

  private async entitySeriesOf(entity: string | number, metric: string, granularity: EntityGranularity, options: EntityRangeOptions): Promise<EntitySeries> {
    const [series] = await this.getEntityMetrics([[entity, metric]], { ...options, groupBy: granularity });
    return series!;
  }

  private dropped(reason: DropReason, writes: number, error?: unknown): void {
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
