import type { WriteBuffer } from '../WriteBuffer.js';
import { TIMING_FIELDS } from './sketches.js';

/**
 * Durations of one timing series held in process while they fall into the same buckets at every timing
 * granularity: a small sketch (bin key → count, zero count) plus count, sum, min and max. Written into the buffer
 * once per bucket change or flush, so the hot path is a `Map` update per sample, not five buffer writes per
 * granularity.
 */
export class PendingTiming {
  /** Key per granularity rank of the buckets held (empty strings when nothing is held). */
  readonly keys: string[] = new Array<string>(7).fill('');
  /** Retention expiry per rank of those buckets (epoch s, 0 = never). */
  readonly expiries: number[] = new Array<number>(7).fill(0);
  bins = new Map<number, number>();
  zero = 0;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** In the recorder's list of series to spill at the next `take()`. */
  listed = false;

  add(key: number | undefined, ms: number): void {
    if (key === undefined) this.zero += 1;
    else this.bins.set(key, (this.bins.get(key) ?? 0) + 1);
    this.count += 1;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** Writes what is held into `buffer` at `ranks` (skipping buckets past retention: returns how many) and empties it. */
  spill(buffer: WriteBuffer, ranks: readonly number[], nowSeconds: number): number {
    let expired = 0;
    for (const rank of ranks) {
      const nx = this.expiries[rank]!;
      if (nx !== 0 && nx <= nowSeconds) {
        expired += 1;
        continue;
      }
      const key = this.keys[rank]!;
      for (const [bin, n] of this.bins) buffer.incr(key, String(bin), n, nx);
      if (this.zero > 0) buffer.incr(key, TIMING_FIELDS.zero, this.zero, nx);
      buffer.incr(key, TIMING_FIELDS.count, this.count, nx);
      buffer.incr(key, TIMING_FIELDS.sum, this.sum, nx);
      buffer.extreme(key, TIMING_FIELDS.min, this.min, nx, false);
      buffer.extreme(key, TIMING_FIELDS.max, this.max, nx, true);
    }
    this.bins = new Map();
    this.zero = 0;
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    return expired;
  }
}
