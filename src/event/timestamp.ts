/** Earliest timestamp an event may carry: 0000-01-01T00:00:00.000Z. */
export const MIN_TIMESTAMP = -62_167_219_200_000;
/** Latest timestamp an event may carry: 9999-12-31T23:59:59.999Z. */
export const MAX_TIMESTAMP = 253_402_300_799_999;

function readOnly(this: Date): never {
  throw new TypeError('An event timestamp is read-only (events are shared by every backend); copy it first: new Date(event.timestamp)');
}

/**
 * The `Date` of an event's `timestamp`: a `Date` in every way (`instanceof
 * Date`, JSON, BSON, `toISOString`) except that its setters throw a
 * `TypeError`, so a processor or backend that calls `setTime` cannot move the
 * time of the events other backends receive (events stamped in the same
 * millisecond share one). `Date.prototype.setTime.call(…)` is deliberate
 * circumvention and is not prevented.
 *
 * Being a subclass, it is not `deepStrictEqual` to a plain `Date` of the same
 * time: compare `getTime()` or `toISOString()`.
 * @internal
 */
export class EventTimestamp extends Date {}
for (const key of Object.getOwnPropertyNames(Date.prototype)) {
  if (key.startsWith('set')) Object.defineProperty(EventTimestamp.prototype, key, { value: readOnly, writable: false, enumerable: false, configurable: false });
}
Object.freeze(EventTimestamp.prototype);

/** A frozen {@link EventTimestamp} of `ms` (epoch milliseconds). */
export function eventTimestamp(ms: number): Date {
  return Object.freeze(new EventTimestamp(ms));
}

/**
 * Epoch milliseconds of an `emit` option `timestamp` (a `Date` or epoch ms),
 * or a message saying why it cannot be one: not a valid Date or finite
 * number, or outside years 0000–9999, what every store and the calendar can
 * represent (JavaScript's own `Date` reaches ±275 760 years, which ISO-8601
 * writes as `+275760-…` and edX and most readers reject).
 */
export function checkTimestamp(value: unknown): number | string {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    return `emit option \`timestamp\` must be a valid Date or epoch milliseconds, got ${describe(value)}`;
  }
  if (ms < MIN_TIMESTAMP || ms > MAX_TIMESTAMP) {
    return `emit option \`timestamp\` ${describe(value)} is outside years 0000–9999 (epoch ms ${MIN_TIMESTAMP} to ${MAX_TIMESTAMP})`;
  }
  return Math.trunc(ms);
}

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date(${value.getTime()})`;
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${value === null ? 'null' : typeof value}`;
}
