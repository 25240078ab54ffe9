import { ConfigurationError } from '../errors.js';
import { GRANULARITIES, type Granularity } from '../time/granularity.js';

/** Seconds a bucket is kept after its storage unit's period ends; `Infinity` keeps it forever. */
export type Retention = Readonly<Record<Granularity, number>>;

const HOUR = 3600;
const DAY = 86_400;

/**
 * Default retention per granularity. Seconds and minutes are for live
 * dashboards and must not pile up; hours cover a quarter; days and weeks five
 * years; months and years are kept forever (a dozen fields per slug and year).
 *
 * | granularity | kept for |
 * |---|---|
 * | second | 6 hours |
 * | minute | 7 days |
 * | hour | 90 days |
 * | day | 5 years (1827 days) |
 * | week | 5 years (1827 days) |
 * | month | forever |
 * | year | forever |
 */
export const DEFAULT_RETENTION: Retention = Object.freeze({
  second: 6 * HOUR,
  minute: 7 * DAY,
  hour: 90 * DAY,
  day: 1827 * DAY,
  week: 1827 * DAY,
  month: Number.POSITIVE_INFINITY,
  year: Number.POSITIVE_INFINITY,
});

/**
 * Merges user retention over the defaults.
 * @throws ConfigurationError (`retention.<granularity>`) for a non-positive or unknown entry, or a finite year retention
 *   (all years of a slug share one storage unit, so they can only be kept forever).
 */
export function resolveRetention(value: Partial<Record<Granularity, number>> | undefined): Retention {
  if (value === undefined) return DEFAULT_RETENTION;
  if (value === null || typeof value !== 'object') throw new ConfigurationError('retention', 'expected an object of seconds per granularity');
  const resolved: Record<Granularity, number> = { ...DEFAULT_RETENTION };
  for (const [key, seconds] of Object.entries(value)) {
    if (!(GRANULARITIES as readonly string[]).includes(key)) throw new ConfigurationError(`retention.${key}`, `unknown granularity; expected one of ${GRANULARITIES.join(', ')}`);
    if (seconds === undefined) continue;
    if (typeof seconds !== 'number' || Number.isNaN(seconds) || seconds <= 0) {
      throw new ConfigurationError(`retention.${key}`, 'expected a positive number of seconds, or Infinity to keep forever');
    }
    if (key === 'year' && Number.isFinite(seconds)) throw new ConfigurationError('retention.year', 'year buckets can only be kept forever (Infinity)');
    resolved[key as Granularity] = seconds;
  }
  return Object.freeze(resolved);
}

/** Absolute expiry (epoch seconds) of a storage unit whose period ends at `containerEnd`; 0 = never. */
export function expiryOf(containerEnd: number, retentionSeconds: number): number {
  const at = containerEnd + retentionSeconds;
  return Number.isFinite(at) ? Math.ceil(at) : 0;
}
