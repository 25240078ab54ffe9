import type { MongoDocument } from './driver.js';
import { QueryError } from '../../errors.js';
import { storedPath } from './fieldNames.js';

/** A value `where` can match by equality. Objects and arrays are refused (they could carry query operators). */
export type WhereValue = string | number | boolean | null;

/** Which events a query covers. Every field is optional; fields are ANDed, except `name` and `names`, which together form one list of accepted names. */
export interface EventQuery {
  /** Events with exactly this name. */
  name?: string;
  /** Events with any of these names; with `name` too, an event with either matches. */
  names?: readonly string[];
  /** From this instant, inclusive (a Date, an ISO-8601 string or epoch milliseconds). */
  since?: Date | string | number;
  /** Up to this instant, exclusive. */
  until?: Date | string | number;
  /**
   * Equality on context and data paths: `{ 'context.user_id': 10938, 'data.plan': 'pro' }`.
   * Keys must start with `context.` or `data.`; no segment may be empty or
   * start with `$`; values must be strings, finite numbers, booleans or null.
   * Anything else is refused with a {@link QueryError}, so untrusted input
   * cannot smuggle operators (`{ $gt: '' }`) or `$`-paths into the filter.
   *
   * Keys are matched as the events had them, although keys with `.`, `~` or
   * a leading `$` are stored escaped (see `escapeKey`): `data.a~b` finds the
   * key `a~b`. A key that contains a dot or starts with `$` is named by its
   * stored form: `data.utm~dsource` for `utm.source`, `data.~swhere` for
   * `$where`.
   */
  where?: Readonly<Record<string, WhereValue>>;
}

const SEGMENT = /^[^$\0][^\0]*$/;

/** Checks a dotted path under `context` or `data` (or `name` when allowed) and returns it. */
export function checkPath(field: string, path: unknown, allowName = false): string {
  if (typeof path !== 'string') throw new QueryError(field, `expected a dotted path string, got ${typeof path}`);
  if (allowName && path === 'name') return path;
  const segments = path.split('.');
  if (segments.length < 2 || (segments[0] !== 'context' && segments[0] !== 'data')) {
    throw new QueryError(field, `expected a path starting with "context." or "data."${allowName ? ' (or "name")' : ''}, got ${JSON.stringify(path)}`);
  }
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw new QueryError(field, `path ${JSON.stringify(path)} has an empty segment, a segment starting with "$" or a NUL character`);
    }
  }
  return path;
}

/** Parses a Date, ISO-8601 string or epoch ms; refuses anything that is not a valid instant. */
export function toDate(field: string, value: Date | string | number): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new QueryError(field, `expected a Date, an ISO-8601 string or epoch milliseconds, got ${String(value)}`);
  return date;
}

function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new QueryError(field, `expected a non-empty event name, got ${JSON.stringify(value)}`);
  return value;
}

/** The MongoDB filter for `query`, validated. */
export function toFilter(query: EventQuery): MongoDocument {
  const filter: Record<string, unknown> = {};
  const names: string[] = [];
  if (query.name !== undefined) names.push(checkName('name', query.name));
  if (query.names !== undefined) {
    if (!Array.isArray(query.names)) throw new QueryError('names', 'expected an array of event names');
    query.names.forEach((n, i) => names.push(checkName(`names[${i}]`, n)));
    if (query.names.length === 0 && query.name === undefined) filter['name'] = { $in: [] };
  }
  if (names.length === 1) filter['name'] = names[0];
  else if (names.length > 1) filter['name'] = { $in: [...new Set(names)] };

  const range: Record<string, Date> = {};
  if (query.since !== undefined) range['$gte'] = toDate('since', query.since);
  if (query.until !== undefined) range['$lt'] = toDate('until', query.until);
  if (Object.keys(range).length > 0) filter['timestamp'] = range;

  if (query.where !== undefined) {
    if (typeof query.where !== 'object' || query.where === null || Array.isArray(query.where)) {
      throw new QueryError('where', 'expected an object of { "context.path" | "data.path": value }');
    }
    for (const [key, value] of Object.entries(query.where)) {
      const field = `where[${JSON.stringify(key)}]`;
      checkPath(field, key);
      const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      if (!ok) {
        throw new QueryError(field, `equality only: expected a string, finite number, boolean or null, got ${Array.isArray(value) ? 'an array' : typeof value}`);
      }
      const path = storedPath(key);
      // Two spellings of one path (`data.a~b`, `data.a~tb`) must both hold.
      if (Object.hasOwn(filter, path)) ((filter['$and'] ??= []) as unknown[]).push({ [path]: value });
      else filter[path] = value;
    }
  }
  return filter as MongoDocument;
}
