import { QueryError } from '../../errors.js';
import { Calendar } from '../../time/Calendar.js';
import { TimeZone } from '../../time/TimeZone.js';

/** Calendar buckets of a rollup. Weeks start on Monday and are labelled by ISO week (`2024-W01`). */
export type RollupGranularity = 'day' | 'week' | 'month' | 'year';

/** Every granularity `rollup` accepts. */
export const ROLLUP_GRANULARITIES: readonly RollupGranularity[] = Object.freeze(['day', 'week', 'month', 'year']);

const SLOT_MS = 15 * 60 * 1000;

/** A calendar bucket: its first instant and its label in the rollup's time zone. */
export interface Bucket {
  start: Date;
  label: string;
}

/**
 * Maps instants to calendar buckets of one granularity in one IANA time zone,
 * with the calendar the metrics use (DST-aware, ISO weeks). Results are cached
 * per 15-minute slot of UTC: every offset in use today is a multiple of 15
 * minutes, so a slot never straddles a local midnight.
 */
export class BucketCalendar {
  private readonly calendar: Calendar;
  private readonly bySlot = new Map<number, Bucket>();
  private readonly byStart = new Map<number, Bucket>();

  constructor(
    readonly granularity: RollupGranularity,
    readonly timeZone: string,
  ) {
    if (!ROLLUP_GRANULARITIES.includes(granularity)) {
      throw new QueryError('granularity', `expected one of ${ROLLUP_GRANULARITIES.join(', ')}, got ${JSON.stringify(granularity)}`);
    }
    let zone: TimeZone;
    try {
      zone = new TimeZone(timeZone);
    } catch {
      throw new QueryError('timeZone', `unknown IANA time zone ${JSON.stringify(timeZone)} (e.g. "UTC", "Europe/Paris")`);
    }
    this.calendar = new Calendar(zone, 'monday');
  }

  /** The bucket holding `instant`. */
  bucketOf(instant: Date): Bucket {
    const ms = instant.getTime();
    const slot = Math.floor(ms / SLOT_MS);
    let bucket = this.bySlot.get(slot);
    if (bucket === undefined) {
      const located = this.calendar.locate(this.granularity, ms);
      bucket = this.byStart.get(located.start);
      if (bucket === undefined) {
        bucket = { start: new Date(located.start), label: located.label };
        this.byStart.set(located.start, bucket);
      }
      this.bySlot.set(slot, bucket);
    }
    return bucket;
  }
}
