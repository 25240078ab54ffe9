import { ValidationError } from '../errors.js';
import type { Calendar, LocatedBucket } from '../time/Calendar.js';
import type { CounterStore, HashRead } from './CounterStore.js';
import { granularityRank, type Granularity } from '../time/granularity.js';
import { GRANULARITY_CODES } from './keys.js';
import { toEpochMs } from './names.js';
import type { Bucket, TimeInput } from './types.js';

/** Turns range options into bucket lists and reads bucket values of many series at once. */
export class HistoryReader {
  constructor(
    private readonly store: CounterStore,
    private readonly calendar: Calendar,
    private readonly maxBuckets: number,
    private readonly clock: () => number,
  ) {}

  /**
   * Buckets from `since` to `until` (default now); without `since`, the
   * `limit` buckets ending with the one holding `until`.
   */
  range(granularity: Granularity, since: TimeInput | undefined, until: TimeInput | undefined, limit: number | undefined, defaultLimit: number): LocatedBucket[] {
    const end = until === undefined ? this.clock() : toEpochMs(until, 'until');
    if (since !== undefined) {
      const start = toEpochMs(since, 'since');
      if (start > end) throw new ValidationError('invalid_range', `since (${new Date(start).toISOString()}) is after until (${new Date(end).toISOString()})`);
      return this.calendar.range(granularity, start, end, this.maxBuckets);
    }
    const count = this.checkLimit(limit, defaultLimit);
    let first = this.calendar.locate(granularity, end);
    for (let i = 1; i < count; i++) {
      if (first.start <= 0) break;
      first = this.calendar.locate(granularity, first.start - 1);
    }
    return this.calendar.range(granularity, first.start, end, this.maxBuckets);
  }

  /** `limit` buckets starting with the one holding `since` (py-analytics' `from_date` + `limit`); without `since`, ending with now's. */
  forward(granularity: Granularity, since: TimeInput | undefined, limit: number | undefined, defaultLimit: number): LocatedBucket[] {
    if (since === undefined) return this.range(granularity, undefined, undefined, limit, defaultLimit);
    const count = this.checkLimit(limit, defaultLimit);
    const buckets: LocatedBucket[] = [];
    let bucket = this.calendar.locate(granularity, toEpochMs(since, 'since'));
    while (buckets.length < count) {
      buckets.push(bucket);
      bucket = this.calendar.locate(granularity, bucket.end);
    }
    return buckets;
  }

  /** Values of `buckets` (zero where missing) for every key base (`et:{slug}:m:`), in order. */
  async read(bases: readonly string[], granularity: Granularity, buckets: readonly LocatedBucket[]): Promise<number[][]> {
    const code = GRANULARITY_CODES[granularityRank(granularity)]!;
    const groups = new Map<string, { fields: string[]; indices: number[] }>();
    buckets.forEach((bucket, index) => {
      let group = groups.get(bucket.container);
      if (group === undefined) {
        group = { fields: [], indices: [] };
        groups.set(bucket.container, group);
      }
      group.fields.push(bucket.field);
      group.indices.push(index);
    });
    const reads: HashRead[] = [];
    for (const base of bases) {
      for (const [container, group] of groups) reads.push({ key: `${base}${code}:${container}`, fields: group.fields });
    }
    const replies = reads.length === 0 ? [] : await this.store.readHashes(reads);
    const out: number[][] = [];
    let r = 0;
    for (let s = 0; s < bases.length; s++) {
      const values = new Array<number>(buckets.length).fill(0);
      for (const group of groups.values()) {
        const reply = replies[r++]!;
        group.indices.forEach((index, i) => {
          values[index] = reply[i] ?? 0;
        });
      }
      out.push(values);
    }
    return out;
  }

  private checkLimit(limit: number | undefined, fallback: number): number {
    const count = limit ?? fallback;
    if (!Number.isInteger(count) || count <= 0 || count > this.maxBuckets) {
      throw new ValidationError('invalid_limit', `limit must be an integer from 1 to ${this.maxBuckets}, got ${String(limit)}`);
    }
    return count;
  }
}

/** The public shape of a located bucket. */
export function toBucket(bucket: LocatedBucket): Bucket {
  return { label: bucket.label, start: new Date(bucket.start), end: new Date(bucket.end) };
}

/** Sum of an array. */
export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
