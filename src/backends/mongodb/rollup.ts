import type { MongoDocument } from './driver.js';
import type { JsonValue } from '../../event/TrackedEvent.js';
import { checkPath, type EventQuery } from './EventQuery.js';
import { storedPath } from './fieldNames.js';
import { fromStoredValue } from './storedValue.js';
import { BucketCalendar, type RollupGranularity } from './timeBuckets.js';

/** What `rollup` counts: events matching the {@link EventQuery}, per calendar bucket and group. */
export interface RollupQuery extends EventQuery {
  /** Bucket size. Weeks start on Monday (ISO weeks). */
  granularity: RollupGranularity;
  /**
   * Count per event name (`'name'`, the default) or per value of a context or
   * data path, e.g. `'context.user_id'`; keys are named as in `where`.
   */
  groupBy?: string;
  /** IANA time zone the calendar buckets follow. Default `'UTC'`. */
  timeZone?: string;
}

/** One total: `count` events in bucket `bucket` whose group value is `key`. */
export interface RollupRow {
  /** First instant of the bucket (local midnight in the rollup's time zone). */
  bucket: Date;
  /** The bucket as text: `2024-01-05`, `2024-W01`, `2024-01` or `2024`. */
  label: string;
  /** The event name, or the value at the `groupBy` path (`null` when the event has none). */
  key: JsonValue;
  count: number;
}

/**
 * How the buckets are computed:
 * - `'server'`: by the database, with `$dateTrunc` (MongoDB 5.0+): one row
 *   per bucket and group comes back.
 * - `'portable'`: the pipeline only filters and counts per exact timestamp
 *   and group (`$match` + `$group` with `$sum`, which FerretDB 1.x and any
 *   MongoDB have); the calendar step runs in the SDK. Correct everywhere,
 *   but returns up to one row per distinct timestamp.
 * - `'auto'` (default): `'server'`, falling back to `'portable'` for good the
 *   first time the server says it lacks an operator.
 */
export type RollupMode = 'auto' | 'server' | 'portable';

/** Every rollup mode. */
export const ROLLUP_MODES: readonly RollupMode[] = Object.freeze(['auto', 'server', 'portable']);

/** The `$group` stage of a rollup, keyed by group value and time (exact, or truncated by the server). */
export function rollupGroupStage(query: RollupQuery, server: boolean): MongoDocument {
  const groupBy = storedPath(checkPath('groupBy', query.groupBy ?? 'name', true));
  const timeZone = query.timeZone ?? 'UTC';
  const time = server
    ? { $dateTrunc: { date: '$timestamp', unit: query.granularity, timezone: timeZone, startOfWeek: 'monday' } }
    : '$timestamp';
  return { $group: { _id: { k: `$${groupBy}`, t: time }, n: { $sum: 1 } } };
}

/** Folds `{ _id: { k, t }, n }` rows into calendar buckets, sorted by bucket then key. */
export function foldRollup(rows: readonly MongoDocument[], query: RollupQuery): RollupRow[] {
  const calendar = new BucketCalendar(query.granularity, query.timeZone ?? 'UTC');
  const totals = new Map<string, RollupRow>();
  for (const row of rows) {
    const id = (row['_id'] ?? {}) as { k?: JsonValue; t?: unknown };
    if (!(id.t instanceof Date)) continue; // an event whose timestamp is not a date (written by another tool)
    const key = id.k === undefined ? null : (fromStoredValue(id.k) as JsonValue);
    const bucket = calendar.bucketOf(id.t);
    const mapKey = `${bucket.start.getTime()}\u0000${JSON.stringify(key)}`;
    const total = totals.get(mapKey);
    const n = Number(row['n'] ?? 0);
    if (total === undefined) totals.set(mapKey, { bucket: bucket.start, label: bucket.label, key, count: n });
    else total.count += n;
  }
  return [...totals.values()].sort(
    (a, b) => a.bucket.getTime() - b.bucket.getTime() || compareKeys(a.key, b.key),
  );
}

function compareKeys(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * True when a server error may mean the `$dateTrunc` pipeline is unsupported
 * (FerretDB 1.x answers "not implemented", older MongoDB "unrecognized
 * expression", and FerretDB's reply through the driver can even come back
 * malformed). Network and connection errors are not: they say nothing about
 * the pipeline.
 */
export function mayBeUnsupported(error: unknown): boolean {
  const name = (error as Error | undefined)?.name ?? '';
  return /^Mongo(ServerError|UnexpectedServerResponseError)$/.test(name);
}
