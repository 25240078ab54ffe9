import { ValidationError } from '../errors.js';
import type { Calendar } from '../time/Calendar.js';
import type { WriteOp } from './CounterStore.js';
import { checkGranularity, granularityRank } from '../time/granularity.js';
import type { KeyLayout } from './keys.js';
import { checkAmount, checkEntity, checkMember, checkName, toEpochMs } from './names.js';
import type { Retention } from './retention.js';
import { Series } from './Series.js';
import { BinMapper } from './timing/sketches.js';
import { PendingTiming } from './timing/PendingTiming.js';
import type { TimingOptions } from './types.js';
import type { MetricOptions, RecordMetricsOptions, SetMetricByDayOptions, TimeInput, TrackMetricOptions, UniqueOptions } from './types.js';
import { WriteBuffer } from './WriteBuffer.js';

const ENTITY_RANKS = [3, 4, 5];
const SERIES_CACHE_LIMIT = 50_000;

/** What the recorder reports back to `Metrics`. */
export interface RecorderHooks {
  /** A write arrived after close: `writes` dropped. */
  dropped(writes: number): void;
  /** The buffer reached `maxBufferedWrites`: flush soon. (The next write call cuts the batch right away if it is still full.) */
  full(): void;
  /** Move everything buffered into a batch of its own now (what comes next must be applied after it). */
  cut(): void;
}

/**
 * The write side of `Metrics` (its write methods are documented there): the
 * hot path. Increments of one series within one second are summed in the
 * series; when the second changes they are spilled into the write buffer at
 * every granularity, with keys cached per storage unit.
 */
export class Recorder {
  /** Set by `Metrics.close()`: later writes are dropped. */
  closed = false;
  /** Writes skipped because their bucket is older than its retention. */
  expiredWrites = 0;
  private readonly buffer = new WriteBuffer();
  private readonly ranks: readonly number[];
  private readonly uniqueRanks: readonly number[];
  private readonly timingRanks: readonly number[];
  private readonly timingRelativeAccuracy: number;
  private metricSeries = new Map<string, Series>();
  private uniqueSeries = new Map<string, Series>();
  private timingSeries = new Map<string, Series>();
  private bins: BinMapper | undefined;
  /** Timing series holding durations in process (`Series.pendingTiming`), spilled at `take()`. */
  private timingDirty: Series[] = [];
  private entitySeries = new Map<string, Series>();
  private dirty: Series[] = [];
  private generation = 0;
  /** Sum of the absolute amounts buffered since the last `take()` (see `reserve`). */
  private pendingAbs = 0;
  private readonly maxBufferedWrites: number;
  private readonly clock: () => number;

  constructor(
    private readonly layout: KeyLayout,
    private readonly calendar: Calendar,
    private readonly retention: Retention,
    options: {
      granularityRanks: readonly number[];
      uniqueRanks: readonly number[];
      timingRanks: readonly number[];
      timingRelativeAccuracy: number;
      maxBufferedWrites: number;
      clock: () => number;
    },
    private readonly hooks: RecorderHooks,
  ) {
    this.ranks = options.granularityRanks;
    this.uniqueRanks = options.uniqueRanks;
    this.timingRanks = options.timingRanks;
    this.timingRelativeAccuracy = options.timingRelativeAccuracy;
    this.maxBufferedWrites = options.maxBufferedWrites;
    this.clock = options.clock;
  }

  /** Hot path: one Map lookup and an addition when the second did not change. */
  metric(slug: string, n = 1, options?: MetricOptions): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    if (typeof n !== 'number' || !Number.isFinite(n)) checkAmount('n', n);
    const series = this.metricSeries.get(slug) ?? this.newSeries(this.metricSeries, slug, slug, this.layout.metricBase(slug), this.ranks);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    if (this.closed) return this.hooks.dropped(1);
    const abs = this.pendingAbs + (n < 0 ? -n : n);
    if (abs > Number.MAX_VALUE) this.refuse('n', n);
    this.pendingAbs = abs;
    if (options !== undefined) {
      const fx = this.expireOption(options.expire);
      if (options.category !== undefined) this.registerCategory(series, options.category);
      if (fx !== 0) {
        this.register(series);
        this.writeHash(series, ms, n, this.ranks, fx, false);
        return;
      }
    }
    if (series.generation !== this.generation) this.register(series);
    this.accumulate(series, ms, n);
  }

  setMetric(slug: string, value: number, options?: MetricOptions): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    checkAmount('value', value);
    const series = this.metricSeries.get(slug) ?? this.newSeries(this.metricSeries, slug, slug, this.layout.metricBase(slug), this.ranks);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    const fx = this.expireOption(options?.expire);
    if (this.closed) return this.hooks.dropped(1);
    this.reserve('value', value);
    if (options?.category !== undefined) this.registerCategory(series, options.category);
    this.register(series);
    if (series.second !== -1) this.spill(series); // earlier increments first
    this.writeHash(series, ms, value, this.ranks, fx, true);
  }

  recordMetrics(slug: string, options: RecordMetricsOptions = {}): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    const count = options.count === undefined ? 1 : checkAmount('count', options.count);
    const min = options.minGranularity === undefined ? 0 : granularityRank(checkGranularity(options.minGranularity, 'minGranularity'));
    const max = options.maxGranularity === undefined ? 6 : granularityRank(checkGranularity(options.maxGranularity, 'maxGranularity'));
    if (min > max) throw new ValidationError('invalid_granularity', `minGranularity (${options.minGranularity}) is coarser than maxGranularity (${options.maxGranularity})`);
    const series = this.metricSeries.get(slug) ?? this.newSeries(this.metricSeries, slug, slug, this.layout.metricBase(slug), this.ranks);
    const ms = options.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    if (this.closed) return this.hooks.dropped(1);
    this.reserve('count', count);
    if (options.category !== undefined) this.registerCategory(series, options.category);
    this.register(series);
    this.writeHash(series, ms, count, this.ranks.filter((r) => r >= min && r <= max), 0, false);
  }

  gauge(slug: string, value: number): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    checkName('slug', slug);
    checkAmount('value', value);
    if (this.closed) return this.hooks.dropped(1);
    this.buffer.setString(this.layout.gaugeKey(slug), String(value));
    this.buffer.sadd(this.layout.gaugesKey, slug);
    this.afterWrite();
  }

  unique(slug: string, member: string | number, options?: UniqueOptions): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    const value = typeof member === 'string' && member.length <= 1024 ? member : checkMember(member);
    const series = this.uniqueSeries.get(slug) ?? this.newSeries(this.uniqueSeries, slug, slug, this.layout.uniqueBase(slug), this.uniqueRanks, true);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    if (this.closed) return this.hooks.dropped(1);
    if (series.generation !== this.generation) this.register(series);
    series.keysFor(this.calendar.slotsAt(ms));
    const now = this.clock() / 1000;
    for (const rank of series.ranks) {
      const nx = series.expiries[rank]!;
      if (nx !== 0 && nx <= now) this.expiredWrites += 1;
      else this.buffer.pfadd(series.keys[rank]!, value, nx);
    }
    this.afterWrite();
  }

  /**
   * A duration into the slug's timing buckets: per bucket, its DDSketch bin field and `n` are incremented, `s` gets
   * the duration, `lo`/`hi` are lowered/raised to it; all coalesced in the buffer until the flush.
   */
  timing(slug: string, ms: number, options?: TimingOptions): void {
    if (this.buffer.size + this.dirty.length + this.timingDirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new ValidationError('invalid_number', `ms must be a finite number of milliseconds ≥ 0, got ${String(ms)}`);
    }
    const series = this.timingSeries.get(slug) ?? this.newSeries(this.timingSeries, slug, slug, this.layout.timingBase(slug), this.timingRanks, true);
    const at = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    if (options?.category !== undefined) checkName('category', options.category);
    if (this.closed) return this.hooks.dropped(1);
    this.reserve('ms', ms);
    const bins = (this.bins ??= new BinMapper(this.timingRelativeAccuracy));
    if (series.generation !== this.generation) {
      series.generation = this.generation;
      this.buffer.sadd(this.layout.timingsKey, slug);
    }
    if (options?.category !== undefined) {
      this.buffer.sadd(this.layout.categoryKey(options.category), slug);
      this.buffer.sadd(this.layout.categoriesKey, options.category);
    }
    series.keysFor(this.calendar.slotsAt(at));
    let pending = series.pendingTiming;
    if (pending === undefined) pending = series.pendingTiming = new PendingTiming();
    if (pending.count > 0) {
      for (const rank of series.ranks) {
        if (pending.keys[rank] !== series.keys[rank]) {
          this.expiredWrites += pending.spill(this.buffer, series.ranks, this.clock() / 1000);
          break;
        }
      }
    }
    if (pending.count === 0) {
      for (const rank of series.ranks) {
        pending.keys[rank] = series.keys[rank]!;
        pending.expiries[rank] = series.expiries[rank]!;
      }
      if (!pending.listed) {
        pending.listed = true;
        this.timingDirty.push(series);
      }
    }
    pending.add(bins.key(ms), ms);
    this.afterWrite();
  }

  trackMetric(entities: string | number | readonly (string | number)[], metrics: string | readonly string[], options?: TrackMetricOptions): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    const n = options?.n === undefined ? 1 : checkAmount('n', options.n);
    const ms = options?.timestamp === undefined ? this.clock() : toEpochMs(options.timestamp);
    const entityList = Array.isArray(entities) ? (entities as readonly (string | number)[]) : [entities as string | number];
    const metricList = typeof metrics === 'string' ? [metrics] : metrics;
    if (this.closed) return this.hooks.dropped(entityList.length * metricList.length);
    // Every pair is checked before the first is counted, so a bad one writes nothing.
    const targets: Series[] = [];
    for (const rawEntity of entityList) {
      const entity = typeof rawEntity === 'number' ? checkEntity(rawEntity) : rawEntity;
      for (const metric of metricList) {
        const id = `${entity}\u0000${metric}`;
        let series = this.entitySeries.get(id);
        if (series === undefined) {
          checkEntity(entity);
          checkName('metric', metric);
          series = this.newSeries(this.entitySeries, id, metric, this.layout.entityBase(entity, metric), ENTITY_RANKS);
          series.counterKey = this.layout.countKey(entity);
        }
        targets.push(series);
      }
    }
    this.reserve('n', n);
    for (const series of targets) this.accumulate(series, ms, n);
  }

  trackCount(entity: string | number, metric: string, n = 1): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    const id = checkEntity(entity);
    checkName('metric', metric);
    checkAmount('n', n);
    if (this.closed) return this.hooks.dropped(1);
    this.reserve('n', n);
    this.buffer.incr(this.layout.countKey(id), metric, n, 0);
    this.afterWrite();
  }

  setMetricByDay(entity: string | number, metric: string, day: TimeInput, value: number, options?: SetMetricByDayOptions): void {
    if (this.buffer.size + this.dirty.length >= this.maxBufferedWrites) this.hooks.cut(); // the bound of what waits in process
    const id = checkEntity(entity);
    checkName('metric', metric);
    checkAmount('value', value);
    const ms = toEpochMs(day, 'day');
    const updateCounter = options?.updateCounter ?? true;
    if (typeof updateCounter !== 'boolean') throw new ValidationError('invalid_option', `updateCounter must be a boolean, got ${typeof updateCounter}`);
    if (this.closed) return this.hooks.dropped(1);
    this.reserve('value', value);
    const series = new Series(metric, this.layout.entityBase(id, metric), [3], this.retention);
    if (!updateCounter) {
      const pending = this.entitySeries.get(`${id}\u0000${metric}`);
      if (pending !== undefined && pending.second !== -1) this.spill(pending);
      this.writeHash(series, ms, value, [3], 0, true);
      return;
    }
    // The store computes the difference from the stored day, so every earlier write must be applied first.
    this.hooks.cut();
    const slots = this.calendar.slotsAt(ms);
    series.keysFor(slots);
    const nx = series.expiries[3]!;
    if (nx !== 0 && nx <= this.clock() / 1000) {
      this.expiredWrites += 1;
      return;
    }
    this.buffer.lead({
      kind: 'hsetadjust',
      key: series.keys[3]!,
      field: slots.fields[3]!,
      value,
      counterKey: this.layout.countKey(id),
      counterField: metric,
      ...(nx === 0 ? {} : { expiry: { nx } }),
    });
    this.afterWrite();
  }

  private newSeries(cache: Map<string, Series>, id: string, name: string, base: string, ranks: readonly number[], perBucketKeys = false): Series {
    if (cache !== this.entitySeries) checkName('slug', name);
    const series = new Series(name, base, ranks, this.retention, perBucketKeys);
    cache.set(id, series);
    return series;
  }

  /** Adds `n` to the series' pending count for the second of `ms`, spilling the count of an earlier second first. */
  private accumulate(series: Series, ms: number, n: number): void {
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

  /** Writes a series' pending same-second count into the buffer. */
  private spill(series: Series): void {
    const count = series.count;
    series.second = -1;
    series.count = 0;
    this.writeHash(series, series.ms, count, series.ranks, 0, false);
  }

  /** Buffers `value` into the series' buckets of `ms` at `ranks`; `fx`: those buckets' own expiry (per-call `expire`, epoch s; 0 none). */
  private writeHash(series: Series, ms: number, value: number, ranks: readonly number[], fx: number, replace: boolean): void {
    const slots = this.calendar.slotsAt(ms);
    series.keysFor(slots);
    const now = this.clock() / 1000;
    for (const rank of ranks) {
      const nx = series.expiries[rank]!;
      if (nx !== 0 && nx <= now) {
        this.expiredWrites += 1;
        continue;
      }
      if (replace) this.buffer.hset(series.keys[rank]!, slots.fields[rank]!, value, nx, fx);
      else this.buffer.incr(series.keys[rank]!, slots.fields[rank]!, value, nx, fx);
    }
    if (series.counterKey !== undefined && !replace) this.buffer.incr(series.counterKey, series.name, value, 0);
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

  /**
   * Counts `amount` against the amounts buffered since the last flush. Their absolute sum bounds every bucket's
   * pending sum, so while it stays finite no coalesced write can overflow to ±Infinity (which the store would refuse,
   * losing the other writes of the bucket).
   * @throws ValidationError (`invalid_number`) when it would not stay finite.
   */
  private reserve(what: string, amount: number): void {
    const abs = this.pendingAbs + Math.abs(amount);
    if (abs > Number.MAX_VALUE) this.refuse(what, amount);
    this.pendingAbs = abs;
  }

  private refuse(what: string, amount: number): never {
    throw new ValidationError(
      'invalid_number',
      `${what} = ${amount} refused: with the amounts buffered since the last flush (absolute sum ${this.pendingAbs}) a bucket's sum could pass ±${Number.MAX_VALUE} ` +
        'and not be representable; nothing was written (flush() first, or count in a larger unit)',
    );
  }

  private afterWrite(): void {
    if (this.buffer.size >= this.maxBufferedWrites) this.hooks.full();
  }

  /** Spills every pending count and takes the buffer: the ops of the next batch and how many writes they carry. */
  take(): { ops: WriteOp[]; writes: number } {
    for (const series of this.dirty) if (series.second !== -1) this.spill(series);
    this.dirty = [];
    this.spillTimings();
    const writes = this.buffer.size;
    const ops = writes > 0 ? this.buffer.take() : [];
    this.pendingAbs = 0;
    if (writes > 0) this.generation += 1; // registrations go out again with the next batch
    if (this.metricSeries.size + this.entitySeries.size + this.uniqueSeries.size + this.timingSeries.size > SERIES_CACHE_LIMIT) this.resetSeries();
    return { ops, writes };
  }

  private spillTimings(): void {
    if (this.timingDirty.length === 0) return;
    const now = this.clock() / 1000;
    for (const series of this.timingDirty) {
      const pending = series.pendingTiming;
      if (pending === undefined) continue;
      pending.listed = false;
      if (pending.count > 0) this.expiredWrites += pending.spill(this.buffer, series.ranks, now);
    }
    this.timingDirty = [];
  }

  /** Forgets everything buffered and pending. */
  discardAll(): void {
    for (const series of this.timingDirty) series.pendingTiming = undefined;
    this.timingDirty = [];
    this.buffer.take();
    this.pendingAbs = 0;
    for (const series of this.dirty) series.second = -1;
    this.resetSeries();
  }

  /** Forgets the hot-path state of a deleted slug. */
  forgetSlug(slug: string): void {
    this.metricSeries.delete(slug);
    this.uniqueSeries.delete(slug);
    this.timingSeries.delete(slug);
  }

  /** Makes every series register its slug again with the next write. */
  registryChanged(): void {
    this.generation += 1;
  }

  /** Writes buffered or pending now. */
  get bufferedWrites(): number {
    let pending = 0;
    for (const series of this.dirty) if (series.second !== -1) pending += 1;
    return this.buffer.size + pending + this.timingDirty.length;
  }

  /** True when something waits for the next flush. */
  get hasPending(): boolean {
    return this.buffer.size > 0 || this.dirty.length > 0 || this.timingDirty.length > 0;
  }

  resetSeries(): void {
    this.metricSeries = new Map();
    this.uniqueSeries = new Map();
    this.timingSeries = new Map();
    this.entitySeries = new Map();
    this.dirty = [];
    this.generation += 1;
  }
}
