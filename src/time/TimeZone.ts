import { ConfigurationError } from '../errors.js';

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'GMT', 'Etc/GMT', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'GMT0', 'GMT+0', 'GMT-0', 'Etc/Greenwich', 'Greenwich']);
const MINUTE = 60_000;
const DAY = 86_400_000;
const CACHE_LIMIT = 50_000;

/**
 * UTC offsets of an IANA time zone, from the platform's Intl data. Offsets are
 * cached per UTC minute (zone transitions since 1970 fall on whole minutes),
 * so the Intl formatter runs at most once per distinct minute seen; UTC takes
 * a fast path with no lookup at all.
 */
export class TimeZone {
  /** The canonical zone name, as Intl resolved it. */
  readonly name: string;
  /** True when the offset is always zero. */
  readonly isUtc: boolean;
  private readonly format: Intl.DateTimeFormat | undefined;
  private readonly cache = new Map<number, number>();

  /** @throws ConfigurationError (`option`) for a name Intl does not know. */
  constructor(name: string, option = 'timeZone') {
    if (typeof name !== 'string' || name.trim() === '') throw new ConfigurationError(option, 'expected an IANA time zone name such as "Europe/Berlin" or "UTC"');
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (error) {
      throw new ConfigurationError(option, `unknown time zone ${JSON.stringify(name)}; expected an IANA name such as "Europe/Berlin" or "UTC"`, { cause: error });
    }
    this.name = format.resolvedOptions().timeZone;
    this.isUtc = UTC_NAMES.has(this.name) || UTC_NAMES.has(name);
    this.format = this.isUtc ? undefined : format;
  }

  /** Local time minus UTC, in ms, at the instant `ms`. */
  offsetAt(ms: number): number {
    if (this.format === undefined) return 0;
    const minute = Math.floor(ms / MINUTE);
    let offset = this.cache.get(minute);
    if (offset === undefined) {
      offset = this.computeOffset(minute * MINUTE);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(minute, offset);
    }
    return offset;
  }

  /**
   * The instant whose local wall-clock time is `localMs` (local time written
   * as if it were UTC). In a repeated hour the earlier instant wins; in a
   * skipped hour, the instant right after the gap.
   */
  fromLocal(localMs: number): number {
    if (this.format === undefined) return localMs;
    const before = this.offsetAt(localMs - DAY);
    const after = this.offsetAt(localMs + DAY);
    let best = Number.POSITIVE_INFINITY;
    for (const offset of before === after ? [before] : [before, after]) {
      const candidate = localMs - offset;
      if (candidate + this.offsetAt(candidate) === localMs && candidate < best) best = candidate;
    }
    return Number.isFinite(best) ? best : localMs - before;
  }

  private computeOffset(ms: number): number {
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    for (const part of this.format!.formatToParts(ms)) {
      switch (part.type) {
        case 'year': year = Number(part.value); break;
        case 'month': month = Number(part.value); break;
        case 'day': day = Number(part.value); break;
        case 'hour': hour = Number(part.value); break;
        case 'minute': minute = Number(part.value); break;
        case 'second': second = Number(part.value); break;
        default: break;
      }
    }
    return Date.UTC(year, month - 1, day, hour, minute, second) - ms;
  }
}
