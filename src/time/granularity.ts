import { ConfigurationError, ValidationError } from '../errors.js';

/** A time bucket size. Buckets are aligned to the wall clock of the configured time zone. */
export type Granularity = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** Every granularity, finest first. */
export const GRANULARITIES: readonly Granularity[] = Object.freeze([
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
]);

const RANK: Readonly<Record<Granularity, number>> = {
  second: 0,
  minute: 1,
  hour: 2,
  day: 3,
  week: 4,
  month: 5,
  year: 6,
};

/** Whether `value` names a granularity. */
export function isGranularity(value: unknown): value is Granularity {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANK, value);
}

/** Position of a granularity in {@link GRANULARITIES} (0 = second … 6 = year). */
export function granularityRank(granularity: Granularity): number {
  return RANK[granularity];
}

/**
 * Resolves a list of granularities from options: deduplicated, finest first.
 * @throws ConfigurationError naming `option` for an unknown or empty list.
 */
export function resolveGranularities(option: string, value: readonly unknown[]): Granularity[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigurationError(option, `expected a non-empty array of ${GRANULARITIES.join(', ')}`);
  }
  for (const g of value) {
    if (!isGranularity(g)) throw new ConfigurationError(option, `unknown granularity ${JSON.stringify(g)}; expected one of ${GRANULARITIES.join(', ')}`);
  }
  return GRANULARITIES.filter((g) => value.includes(g));
}

/**
 * Checks a granularity passed to a read or write call.
 * @throws ValidationError when it is not a granularity.
 */
export function checkGranularity(value: unknown, what = 'granularity'): Granularity {
  if (!isGranularity(value)) {
    throw new ValidationError('invalid_granularity', `${what} must be one of ${GRANULARITIES.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value;
}
