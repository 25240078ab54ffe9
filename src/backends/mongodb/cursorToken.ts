import type { MongoDocument } from './driver.js';
import { QueryError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';

/** Sort order of events: by `timestamp`, then by id (UUID v7) to break ties. */
export type EventSort = 'asc' | 'desc';

/**
 * An opaque cursor pointing just after `event` in the `(timestamp, id)`
 * order; pass it as `after` to continue a query from there. Stable across
 * processes and restarts (it holds no server state).
 */
export function eventCursor(event: Pick<TrackedEvent, 'id' | 'timestamp'>): string {
  return Buffer.from(JSON.stringify([event.timestamp.getTime(), event.id]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link eventCursor}. */
export function decodeCursor(token: string): { timestamp: Date; id: string } {
  if (typeof token !== 'string') throw new QueryError('after', `expected a cursor string, got ${token === null ? 'null' : typeof token}`);
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string') {
      // An out-of-range instant makes an invalid Date, which BSON would send as 1970-01-01.
      const timestamp = new Date(value[0]);
      if (!Number.isNaN(timestamp.getTime())) return { timestamp, id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new QueryError('after', `not a cursor made by eventCursor() or findPage(): ${JSON.stringify(token.slice(0, 40))}`);
}

/** The filter of events strictly after the cursor in the given order. */
export function afterFilter(token: string, sort: EventSort): MongoDocument {
  const { timestamp, id } = decodeCursor(token);
  const op = sort === 'asc' ? '$gt' : '$lt';
  return { $or: [{ timestamp: { [op]: timestamp } }, { timestamp, _id: { [op]: id } }] } as MongoDocument;
}
