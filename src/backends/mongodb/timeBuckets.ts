import { QueryError } from '../../errors.js';

/** Calendar buckets of a rollup. Weeks start on Monday and are labelled by ISO week (`2024-W01`). */
export type RollupGranularity = 'day' | 'week' | 'month' | 'year';

/** Every granularity `rollup` accepts. */
export const ROLLUP_GRANULARITIES: readonly RollupGranularity[] = Object.freeze(['day', 'week', 'month', 'year']);

interface LocalDate {
  year: number;
  month: number; // 1–12
  day: number;
}

const SLOT_MS = 15 * 60 * 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter for `timeZone`; throws a QueryError naming the zone when it is unknown. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new QueryError('timeZone', `unknown IANA time zone ${JSON.stringify(timeZone)} (e.g. "UTC", "Europe/Paris")`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of instant `ms` in `timeZone`. */
function wallClock(ms: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return { year: out['year']!, month: out['month']!, day: out['day']!, hour: out['hour']!, minute: out['minute']!, second: out['second']! };
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (local − UTC). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of local midnight starting `date` in `timeZone`. */
function midnight(date: LocalDate, timeZone: string): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

function truncate(date: LocalDate, granularity: RollupGranularity): LocalDate {
  switch (granularity) {
    case 'day':
      return date;
    case 'week': {
      const utc = new Date(Date.UTC(date.year, date.month - 1, date.day));
      utc.setUTCDate(utc.getUTCDate() - ((utc.getUTCDay() + 6) % 7));
      return { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
    }
    case 'month':
      return { year: date.year, month: date.month, day: 1 };
    case 'year':
      return { year: date.year, month: 1, day: 1 };
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2024-01-05`, `2024-W01` (ISO week of the Monday `date`), `2024-01` or `2024`. */
function label(date: LocalDate, granularity: RollupGranularity): string {
  switch (granularity) {
    case 'day':
      return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
    case 'week': {
      // The ISO week-year is the year of the week's Thursday.
      const thursday = new Date(Date.UTC(date.year, date.month - 1, date.day + 3));
      const weekYear = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 / 7) + 1;
      return `${weekYear}-W${pad(week)}`;
    }
    case 'month':
      return `${date.year}-${pad(date.month)}`;
    case 'year':
      return String(date.year);
  }
}

/** A calendar bucket: its first instant and its label in the rollup's time zone. */
export interface Bucket {
  start: Date;
  label: string;
}

/**
 * Maps instants to calendar buckets of one granularity in one IANA time zone
 * (DST-aware, through `Intl`). Results are cached per 15-minute slot of UTC:
 * every offset in use today is a multiple of 15 minutes, so a slot never
 * straddles a local midnight.
 */
export class BucketCalendar {
  private readonly bySlot = new Map<number, Bucket>();
  private readonly byStart = new Map<number, Bucket>();

  constructor(
    readonly granularity: RollupGranularity,
    readonly timeZone: string,
  ) {
    if (!ROLLUP_GRANULARITIES.includes(granularity)) {
      throw new QueryError('granularity', `expected one of ${ROLLUP_GRANULARITIES.join(', ')}, got ${JSON.stringify(granularity)}`);
    }
    formatter(timeZone);
  }

  /** The bucket holding `instant`. */
  bucketOf(instant: Date): Bucket {
    const ms = instant.getTime();
    const slot = Math.floor(ms / SLOT_MS);
    let bucket = this.bySlot.get(slot);
    if (bucket === undefined) {
      const local = truncate(wallClock(ms, this.timeZone), this.granularity);
      const start = midnight(local, this.timeZone);
      bucket = this.byStart.get(start);
      if (bucket === undefined) {
        bucket = { start: new Date(start), label: label(local, this.granularity) };
        this.byStart.set(start, bucket);
      }
      this.bySlot.set(slot, bucket);
    }
    return bucket;
  }
}
