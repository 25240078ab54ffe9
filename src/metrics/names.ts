import { ValidationError } from '../errors.js';
import type { TimeInput } from './types.js';

/** Longest slug, category, entity or metric name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 200;
/** Longest unique-count member, in UTF-16 code units. */
export const MAX_MEMBER_LENGTH = 1024;
/** Earliest timestamp accepted (1970-01-01T00:00:00Z). */
export const MIN_TIMESTAMP = 0;
/** Latest timestamp accepted (9999-12-30T00:00:00Z, so every zone's buckets stay in 4-digit years). */
export const MAX_TIMESTAMP = Date.UTC(9999, 11, 30);

// Braces would break the Redis Cluster hash tag; glob characters would break SCAN patterns.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f{}*?[\]\\]/;

/** Why `value` is not a valid name, or `undefined` when it is. */
export function nameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters (got ${value.length})`;
  if (FORBIDDEN.test(value)) return 'must not contain control characters or any of { } * ? [ ] \\';
  return undefined;
}

/**
 * Checks a slug, category, entity or metric name.
 * @throws ValidationError (reason `invalid_name`).
 */
export function checkName(kind: string, value: unknown): string {
  const problem = nameProblem(value);
  if (problem !== undefined) throw new ValidationError('invalid_name', `Invalid ${kind} ${JSON.stringify(value)}: ${problem}`);
  return value as string;
}

/** An entity id: a valid name, or a finite number (used as its decimal string). */
export function checkEntity(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return checkName('entity', value);
}

/**
 * Checks an amount (increment, value, gauge).
 * @throws ValidationError (reason `invalid_number`) for anything but a finite number.
 */
export function checkAmount(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('invalid_number', `${what} must be a finite number, got ${typeof value === 'number' ? String(value) : typeof value}`);
  }
  return value;
}

/**
 * Epoch ms of a timestamp option.
 * @throws ValidationError (reason `invalid_timestamp`) for an invalid Date, a non-number or an instant outside 1970–9999.
 */
export function toEpochMs(value: TimeInput, what = 'timestamp'): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < MIN_TIMESTAMP || ms > MAX_TIMESTAMP) {
    throw new ValidationError('invalid_timestamp', `${what} must be a valid Date or epoch milliseconds between 1970-01-01 and 9999-12-30, got ${describe(value)}`);
  }
  return ms;
}

/**
 * A unique-count member: a string of at most {@link MAX_MEMBER_LENGTH} characters, or a finite number.
 * @throws ValidationError (reason `invalid_member`).
 */
export function checkMember(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.length <= MAX_MEMBER_LENGTH) return value;
  throw new ValidationError('invalid_member', `a unique member must be a string of at most ${MAX_MEMBER_LENGTH} characters or a finite number, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'number' ? String(value) : typeof value;
}
