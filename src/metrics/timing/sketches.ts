// @datadog/sketches-js is loaded at the first timing write or read, not with the core (test/unit/package/importCost).
import { createRequire } from 'node:module';
import type * as Sketches from '@datadog/sketches-js';
import type { DDSketch } from '@datadog/sketches-js';

type SketchesModule = typeof Sketches;

let loaded: SketchesModule | undefined;

function sketches(): SketchesModule {
  return (loaded ??= createRequire(import.meta.url)('@datadog/sketches-js') as SketchesModule);
}

/** Field of a timing bucket hash holding the samples too small for a bin (0 ms, DDSketch's zero count). */
export const ZERO_FIELD = 'z';
/** Fields of a timing bucket hash besides the bins: count, sum, min, max, zero count. */
export const TIMING_FIELDS = Object.freeze({ count: 'n', sum: 's', min: 'lo', max: 'hi', zero: ZERO_FIELD });

/** Maps a duration to its DDSketch bin field (`'z'` for 0), with the logarithmic mapping of the configured accuracy. */
export class BinMapper {
  private readonly mapping: DDSketch['mapping'];
  private readonly minPossible: number;

  constructor(readonly relativeAccuracy: number) {
    this.mapping = new (sketches().DDSketch)({ relativeAccuracy }).mapping;
    this.minPossible = this.mapping.minPossible;
  }

  /** The bin key of `ms`, `undefined` for the zero bin. */
  key(ms: number): number | undefined {
    return ms > this.minPossible ? this.mapping.key(ms) : undefined;
  }
}

/** A bucket's stored fields as counts, sum, min, max and a sketch; `merge` adds more buckets. */
export class BucketSketch {
  readonly sketch: DDSketch;
  count = 0;
  sum = 0;
  min = Number.NaN;
  max = Number.NaN;

  constructor(relativeAccuracy: number) {
    this.sketch = new (sketches().DDSketch)({ relativeAccuracy });
  }

  /** Adds a stored bucket hash (bin → count, plus `n`, `s`, `lo`, `hi`, `z`). */
  add(hash: Readonly<Record<string, number>>): void {
    for (const field in hash) {
      const value = hash[field]!;
      switch (field) {
        case TIMING_FIELDS.count:
          this.count += value;
          break;
        case TIMING_FIELDS.sum:
          this.sum += value;
          break;
        case TIMING_FIELDS.min:
          if (!(value >= this.min)) this.min = value;
          break;
        case TIMING_FIELDS.max:
          if (!(value <= this.max)) this.max = value;
          break;
        case ZERO_FIELD:
          this.sketch.zeroCount += value;
          break;
        default: {
          const key = Number(field);
          if (Number.isInteger(key) && value > 0) this.sketch.store.add(key, value);
        }
      }
    }
    this.sketch.count = this.sketch.store.count + this.sketch.zeroCount;
  }

  /** The value at percentile `p` (0–100): DDSketch's rank `p/100 × (count − 1)`; NaN without samples. */
  percentile(p: number): number {
    return this.sketch.count === 0 ? Number.NaN : this.sketch.getValueAtQuantile(p / 100);
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }
}
