import { ConfigurationError } from '../errors.js';

/** Bounds of {@link checkInteger}. */
export interface IntegerBounds {
  /** Smallest value accepted. Default 0. */
  min?: number;
  /** Largest value accepted. Default `Number.MAX_SAFE_INTEGER`. */
  max?: number;
}

/**
 * The one integer check of every option: returns `value` when it is an
 * integer within the bounds, else throws a `ConfigurationError` naming
 * `option`, in one message style: `expected an integer ≥ 1, got 0` (or
 * `expected an integer from 1 to 2000, got 5000` with a `max`).
 */
export function checkInteger(option: string, value: unknown, bounds: IntegerBounds = {}): number {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new ConfigurationError(option, `expected an integer ${range}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  }
  return value;
}
