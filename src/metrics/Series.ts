import type { WriteSlots } from '../time/Calendar.js';
import { GRANULARITY_CODES } from './keys.js';
import { expiryOf, type Retention } from './retention.js';
import { GRANULARITIES } from '../time/granularity.js';
import type { PendingTiming } from './timing/PendingTiming.js';

const KEY_CACHE_LIMIT = 256;

/**
 * Hot-path state of one counted series (a slug's counters, or one entity
 * metric): increments within one second are summed into `count` and written to
 * the buffer only when the second changes or at flush, and the series' keys
 * and expiries are rebuilt only when the instant's storage slots change.
 */
export class Series {
  /** Epoch second of the pending count; -1 when nothing is pending. */
  second = -1;
  /** An instant inside `second`. */
  ms = 0;
  /** Pending increment for `second`. */
  count = 0;
  /** Flush generation in which the slug was last registered; -1 never. */
  generation = -1;
  /** Category last registered in `generation`. */
  category: string | undefined;
  /** Entity metrics: the hash whose field `name` holds the metric's total (py-analytics' counter), also incremented. */
  counterKey: string | undefined;
  /** Timing series: durations held in process until their buckets change or the flush. */
  pendingTiming: PendingTiming | undefined;
  private slots: WriteSlots | undefined;
  private readonly containers: (string | undefined)[] = new Array<string | undefined>(7);
  private readonly keyCache: (Map<string, string> | undefined)[] = new Array<Map<string, string> | undefined>(7);
  /** Key per granularity rank (only `ranks` filled). */
  readonly keys: string[] = new Array<string>(7).fill('');
  /** Retention expiry (epoch s, 0 = never) per granularity rank. */
  readonly expiries: number[] = new Array<number>(7).fill(0);

  /**
   * @param name slug, or entity and metric
   * @param base key up to the granularity code (`et:{slug}:m:`)
   * @param ranks granularity ranks written for this series
   * @param suffixField unique-count keys end with `:<field>` (one key per bucket)
   */
  constructor(
    readonly name: string,
    readonly base: string,
    readonly ranks: readonly number[],
    private readonly retention: Retention,
    private readonly suffixField = false,
  ) {}

  /**
   * Updates `keys` and `expiries` for `slots`. Key strings are reused per
   * container (a small cache per granularity), so the buffer's Map lookups hit
   * strings whose hash V8 has already computed.
   */
  keysFor(slots: WriteSlots): void {
    if (this.slots === slots) return;
    this.slots = slots;
    for (const rank of this.ranks) {
      const container = this.suffixField ? `${slots.containers[rank]}:${slots.fields[rank]}` : slots.containers[rank]!;
      if (container === this.containers[rank]) continue;
      this.containers[rank] = container;
      const cache = (this.keyCache[rank] ??= new Map());
      let key = cache.get(container);
      if (key === undefined) {
        if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
        key = `${this.base}${GRANULARITY_CODES[rank]}:${container}`;
        cache.set(container, key);
      }
      this.keys[rank] = key;
      this.expiries[rank] = expiryOf(slots.containerEnds[rank]!, this.retention[GRANULARITIES[rank]!]);
    }
  }
}
