import { ValidationError } from '../errors.js';
import { civilFromDays, daysFromCivil, mod, pad, weekday } from './civil.js';
import { granularityRank, type Granularity } from './granularity.js';
import type { TimeZone } from './TimeZone.js';

/** First day of a week: `'monday'` gives ISO-8601 weeks; `'sunday'` Sunday-first weeks numbered by the same rule. */
export type WeekStart = 'monday' | 'sunday';

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SLOT_CACHE_LIMIT = 4096;

/**
 * Where the buckets of one instant are stored, per granularity rank
 * (0 = second … 6 = year): hash `containers[r]`, field `fields[r]`; no
 * bucket of the container ends after `containerEnds[r]` (epoch seconds, with
 * some slack; Infinity for the single year container).
 */
export interface WriteSlots {
  readonly containers: readonly string[];
  readonly fields: readonly string[];
  readonly containerEnds: readonly number[];
}

/** A bucket with its storage slot, bounds and label. */
export interface LocatedBucket {
  readonly granularity: Granularity;
  readonly container: string;
  readonly field: string;
  readonly containerEnd: number;
  /** First instant (epoch ms). */
  readonly start: number;
  /** First instant after the bucket (epoch ms). */
  readonly end: number;
  readonly label: string;
}

/**
 * Time buckets in one zone. Sub-day buckets are identified by their first
 * instant, so the repeated hour of a DST change gives two buckets and a
 * skipped hour none; their storage containers are UTC minutes, hours and days
 * (seconds of a minute in one hash, minutes of an hour, hours of a UTC day).
 * Day, week, month and year buckets are local calendar dates: days of a month
 * in one hash, weeks of a week-year, months of a year, and all years.
 * Week numbers follow ISO-8601: week 1 holds January 4th and a week belongs to
 * the year of its 4th day, so `2026-W53` exists and labels sort across years.
 */
export class Calendar {
  private readonly slotCache = new Map<number, WriteSlots>();
  private readonly mondayFirst: boolean;

  constructor(readonly zone: TimeZone, readonly weekStart: WeekStart = 'monday') {
    this.mondayFirst = weekStart === 'monday';
  }

  /** Storage slots of every granularity for the instant `ms` (cached per second: the write hot path). */
  slotsAt(ms: number): WriteSlots {
    const second = Math.floor(ms / SECOND);
    let slots = this.slotCache.get(second);
    if (slots === undefined) {
      slots = this.computeSlots(ms);
      if (this.slotCache.size >= SLOT_CACHE_LIMIT) this.slotCache.clear();
      this.slotCache.set(second, slots);
    }
    return slots;
  }

  /** The bucket of `granularity` that holds the instant `ms`. */
  locate(granularity: Granularity, ms: number): LocatedBucket {
    const rank = granularityRank(granularity);
    const slots = this.computeSlots(ms);
    const offset = this.zone.offsetAt(ms);
    const local = ms + offset;
    let start: number;
    let end: number;
    let label: string;
    if (rank <= 2) {
      const unit = rank === 0 ? SECOND : rank === 1 ? MINUTE : HOUR;
      const wallStart = ms - mod(local, unit);
      label = this.subDayLabel(wallStart + offset, offset, rank);
      // A zone change inside the wall-clock unit (a 30-minute DST shift) cuts the bucket at the change.
      start = this.zone.isUtc || this.zone.offsetAt(wallStart) === offset ? wallStart : this.firstMinute(wallStart, ms, (o) => o === offset);
      end = wallStart + unit;
      if (!this.zone.isUtc && this.zone.offsetAt(end - 1) !== offset) end = Math.min(end, this.firstMinute(ms, end - 1, (o) => o !== offset));
    } else {
      const days = Math.floor(local / DAY);
      const [year, month] = civilFromDays(days);
      let firstDay: number;
      let nextDay: number;
      if (rank === 3) {
        firstDay = days;
        nextDay = days + 1;
        label = `${slots.containers[3]}-${slots.fields[3]}`;
      } else if (rank === 4) {
        firstDay = days - this.weekOffset(days);
        nextDay = firstDay + 7;
        label = `${slots.containers[4]}-W${slots.fields[4]}`;
      } else if (rank === 5) {
        firstDay = daysFromCivil(year, month, 1);
        nextDay = daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1);
        label = `${pad(year, 4)}-${pad(month, 2)}`;
      } else {
        firstDay = daysFromCivil(year, 1, 1);
        nextDay = daysFromCivil(year + 1, 1, 1);
        label = pad(year, 4);
      }
      start = this.zone.fromLocal(firstDay * DAY);
      end = this.zone.fromLocal(nextDay * DAY);
    }
    return { granularity, container: slots.containers[rank]!, field: slots.fields[rank]!, containerEnd: slots.containerEnds[rank]!, start, end, label };
  }

  /**
   * Every bucket from the one holding `since` to the one holding `until`,
   * oldest first.
   * @throws ValidationError when there would be more than `maxBuckets`.
   */
  range(granularity: Granularity, since: number, until: number, maxBuckets: number): LocatedBucket[] {
    const buckets: LocatedBucket[] = [];
    if (until < since) return buckets;
    let bucket = this.locate(granularity, since);
    while (bucket.start <= until) {
      if (buckets.length >= maxBuckets) {
        throw new ValidationError('range_too_large', `the range holds more than ${maxBuckets} ${granularity} buckets; narrow it or use a coarser granularity`);
      }
      buckets.push(bucket);
      let next = this.locate(granularity, bucket.end);
      // A forward zone jump inside a bucket cannot move the next start backwards; guard anyway.
      if (next.start <= bucket.start) next = this.locate(granularity, bucket.end + (bucket.end - bucket.start));
      bucket = next;
    }
    return buckets;
  }

  private computeSlots(ms: number): WriteSlots {
    const local = ms + this.zone.offsetAt(ms);
    const secondStart = ms - mod(local, SECOND);
    const minuteStart = ms - mod(local, MINUTE);
    const hourStart = ms - mod(local, HOUR);
    const utcDay = Math.floor(hourStart / DAY);
    const days = Math.floor(local / DAY);
    const [year, month, day] = civilFromDays(days);
    const firstDay = days - this.weekOffset(days);
    const weekYear = civilFromDays(firstDay + 3)[0];
    const jan4 = daysFromCivil(weekYear, 1, 4);
    const week = (firstDay - (jan4 - this.weekOffset(jan4))) / 7 + 1;
    const yyyy = pad(year, 4);
    const mm = pad(month, 2);
    return {
      containers: [String(minuteStart / SECOND), String(hourStart / SECOND), String(utcDay), `${yyyy}-${mm}`, pad(weekYear, 4), yyyy, 'all'],
      fields: [
        String((secondStart - minuteStart) / SECOND),
        String((minuteStart - hourStart) / MINUTE),
        String((hourStart - utcDay * DAY) / MINUTE),
        pad(day, 2),
        pad(week, 2),
        mm,
        yyyy,
      ],
      containerEnds: [
        minuteStart / SECOND + 60,
        hourStart / SECOND + 3600,
        // The hours of a UTC day start in it, but in a half-hour zone the last one ends after it.
        (utcDay + 1) * 86_400 + 3600,
        Date.UTC(year, month, 1) / SECOND + 86_400,
        Date.UTC(weekYear + 1, 0, 12) / SECOND,
        Date.UTC(year + 1, 0, 2) / SECOND,
        Number.POSITIVE_INFINITY,
      ],
    };
  }

  /**
   * The first whole UTC minute in (`from`, `to`] whose offset satisfies `wanted`, given that `to`'s does and the
   * offset changes at most once in between (zone changes fall on whole minutes; offsets are cached per minute).
   */
  private firstMinute(from: number, to: number, wanted: (offset: number) => boolean): number {
    let lo = Math.floor(from / MINUTE); // its offset does not satisfy `wanted`
    let hi = Math.floor(to / MINUTE);
    if (!wanted(this.zone.offsetAt(hi * MINUTE))) return to;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (wanted(this.zone.offsetAt(mid * MINUTE))) hi = mid;
      else lo = mid;
    }
    return hi * MINUTE;
  }

  /** Days since the start of the week that holds day number `days`. */
  private weekOffset(days: number): number {
    const dow = weekday(days);
    return this.mondayFirst ? (dow + 6) % 7 : dow;
  }

  private subDayLabel(localStart: number, offset: number, rank: number): string {
    const days = Math.floor(localStart / DAY);
    const [year, month, day] = civilFromDays(days);
    const inDay = localStart - days * DAY;
    let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(inDay / HOUR), 2)}:${pad(Math.floor(inDay / MINUTE) % 60, 2)}`;
    if (rank === 0) text += `:${pad(Math.floor(inDay / SECOND) % 60, 2)}`;
    if (this.zone.isUtc) return `${text}Z`;
    const minutes = Math.round(Math.abs(offset) / MINUTE);
    return `${text}${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
  }
}
