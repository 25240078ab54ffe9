import { ValidationError } from '../../errors.js';
import type { LocatedBucket } from '../../time/Calendar.js';
import { granularityRank, type Granularity } from '../../time/granularity.js';
import { toBucket } from '../HistoryReader.js';
import { checkName, toEpochMs } from '../names.js';
import type { StoreAccess } from '../StoreAccess.js';
import type { TimingHistory, TimingHistoryOptions, TimingSeries, TimingSummary, TimingSummaryOptions } from '../types.js';
import { BucketSketch } from './sketches.js';

/** Percentiles reported when none are asked for. */
export const DEFAULT_TIMING_PERCENTILES: readonly number[] = Object.freeze([50, 95, 99]);

/**
 * The timing reads of `Metrics` (documented there). Each slug's buckets are read with one pipelined HGETALL per
 * bucket key; the keys share the slug's hash tag, so that is one round trip per slug, on a Cluster too.
 */
export class TimingReads {
  constructor(private readonly a: StoreAccess) {}

  async getTimingHistory(slugs: string | readonly string[], options: TimingHistoryOptions = {}): Promise<TimingHistory> {
    const list = typeof slugs === 'string' ? [slugs] : [...slugs];
    for (const slug of list) checkName('slug', slug);
    const percentiles = checkPercentiles(options.percentiles);
    const granularity = this.a.storedGranularity(options.granularity, this.a.options.timingGranularities, 'timingGranularities');
    const buckets = this.a.reader.range(granularity, options.since, options.until, options.limit, 30);
    await this.a.beforeRead();
    const hashes = await this.a.read(() => Promise.all(list.map((slug) => this.a.store.readWholeHashes(buckets.map((b) => this.key(slug, b))))));
    const series = list.map((slug, s): TimingSeries => {
      const out: TimingSeries = { slug, count: [], sum: [], min: [], max: [], mean: [], percentiles: {} };
      for (const p of percentiles) out.percentiles[String(p)] = [];
      for (const hash of hashes[s]!) {
        const sketch = new BucketSketch(this.a.options.timingRelativeAccuracy);
        sketch.add(hash);
        out.count.push(sketch.count);
        out.sum.push(sketch.sum);
        out.min.push(sketch.min);
        out.max.push(sketch.max);
        out.mean.push(sketch.mean);
        for (const p of percentiles) out.percentiles[String(p)]!.push(sketch.percentile(p));
      }
      return out;
    });
    return { granularity, buckets: buckets.map(toBucket), series };
  }

  async getTimingSummary(slug: string, options: TimingSummaryOptions): Promise<TimingSummary> {
    checkName('slug', slug);
    if (options?.since === undefined) throw new ValidationError('invalid_range', 'getTimingSummary needs `since` (the first instant of the range)');
    const percentiles = checkPercentiles(options.percentiles);
    const start = toEpochMs(options.since, 'since');
    const end = options.until === undefined ? this.a.clock() : toEpochMs(options.until, 'until');
    if (start > end) throw new ValidationError('invalid_range', `since (${new Date(start).toISOString()}) is after until (${new Date(end).toISOString()})`);
    const cover = this.cover(start, end);
    await this.a.beforeRead();
    const hashes = await this.a.read(() => this.a.store.readWholeHashes(cover.map((b) => this.key(slug, b))));
    const merged = new BucketSketch(this.a.options.timingRelativeAccuracy);
    for (const hash of hashes) merged.add(hash);
    const out: Record<string, number> = {};
    for (const p of percentiles) out[String(p)] = merged.percentile(p);
    return {
      slug,
      start: new Date(cover[0]!.start),
      end: new Date(cover[cover.length - 1]!.end),
      buckets: cover.map((b) => ({ granularity: b.granularity, label: b.label })),
      count: merged.count,
      sum: merged.sum,
      min: merged.min,
      max: merged.max,
      mean: merged.mean,
      percentiles: out,
    };
  }

  /**
   * A calendar cover of the range: from the start of the finest timing bucket holding `start` to the end of the one
   * holding `end`, taking at each step the coarsest timing bucket that starts there and ends within the range (so
   * 10:30 → 3 days later reads minutes to 11:00, hours to midnight, then whole days).
   */
  private cover(start: number, end: number): LocatedBucket[] {
    const granularities = [...this.a.options.timingGranularities].sort((x, y) => granularityRank(x) - granularityRank(y));
    const finest = granularities[0]!;
    const coarsestFirst = [...granularities].reverse();
    const last = this.a.calendar.locate(finest, end).end;
    let cursor = this.a.calendar.locate(finest, start).start;
    const cover: LocatedBucket[] = [];
    while (cursor < last) {
      let chosen: LocatedBucket | undefined;
      for (const g of coarsestFirst) {
        const bucket = this.a.calendar.locate(g as Granularity, cursor);
        if (bucket.start === cursor && bucket.end <= last && bucket.end > cursor) {
          chosen = bucket;
          break;
        }
      }
      chosen ??= this.a.calendar.locate(finest, cursor); // not on a boundary (cannot happen with aligned calendars)
      if (chosen.end <= cursor) break;
      cover.push(chosen);
      if (cover.length > this.a.options.maxHistoryBuckets) {
        throw new ValidationError('invalid_range', `the range needs more than maxHistoryBuckets (${this.a.options.maxHistoryBuckets}) timing buckets`);
      }
      cursor = chosen.end;
    }
    return cover;
  }

  private key(slug: string, bucket: LocatedBucket): string {
    return this.a.layout.timingKey(slug, bucket.granularity, bucket.container, bucket.field);
  }
}

/**
 * Percentiles asked for, default {@link DEFAULT_TIMING_PERCENTILES}.
 * @throws ValidationError for an empty list or a value outside 0–100.
 */
export function checkPercentiles(value: readonly number[] | undefined): readonly number[] {
  if (value === undefined) return DEFAULT_TIMING_PERCENTILES;
  if (!Array.isArray(value) || value.length === 0 || value.some((p) => typeof p !== 'number' || !(p >= 0 && p <= 100))) {
    throw new ValidationError('invalid_option', `percentiles must be a non-empty list of numbers from 0 to 100 (e.g. [50, 95, 99]), got ${JSON.stringify(value)}`);
  }
  return value;
}
