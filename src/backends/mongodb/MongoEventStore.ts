import { ConfigurationError, QueryError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import { afterFilter, type EventSort, eventCursor } from './cursorToken.js';
import { type EventQuery, toFilter } from './EventQuery.js';
import type { MongoClientLike, MongoCollection, MongoDocument } from './driver.js';
import { DEFAULT_MONGO_CLOSE_TIMEOUT_MS, MongoConnection } from './MongoConnection.js';
import type { MongoConnectionOptions } from './MongoConnectionOptions.js';
import { foldRollup, mayBeUnsupported, ROLLUP_MODES, type RollupMode, type RollupQuery, type RollupRow, rollupGroupStage } from './rollup.js';
import { type EventDocument, fromDocument } from './toDocument.js';
import { checkInteger } from '../../config/checkInteger.js';

/** Options of {@link MongoEventStore}: where the events are (as for `MongoBackend`) and how to read them. */
export interface MongoEventStoreOptions<C extends MongoClientLike = MongoClientLike> extends MongoConnectionOptions<C> {
  /** Documents fetched per round trip while iterating. Default 500. */
  batchSize?: number;
  /** Where rollup buckets are computed; see {@link RollupMode}. Default `'auto'`. */
  rollupMode?: RollupMode;
}

/** Defaults of {@link MongoEventStoreOptions}. */
export const DEFAULT_MONGO_EVENT_STORE_OPTIONS = Object.freeze({ batchSize: 500, rollupMode: 'auto' as RollupMode });

/** A query of {@link MongoEventStore.findEvents}: which events, in which order, how many. */
export interface FindEventsQuery extends EventQuery {
  /** At most this many events. Default: all. */
  limit?: number;
  /** By timestamp (then id): `'asc'` oldest first (default) or `'desc'` newest first. */
  sort?: EventSort;
  /** Continue after this cursor (from {@link eventCursor} or `findPage().next`). */
  after?: string;
}

/** One page of events and the cursor of the next page (`undefined` when this was the last). */
export interface EventPage {
  events: TrackedEvent[];
  next: string | undefined;
}

/**
 * Reads what {@link MongoBackend} stored: event queries with keyset paging,
 * counts and calendar rollups. Share the backend's client with
 * `new MongoEventStore({ client: backend.client, db: backend.db, collection: backend.collection })`.
 *
 * Rollups run on FerretDB 1.x too, which lacks `$dateTrunc`, `$dateToString`
 * and the date part operators: see {@link RollupMode} for how.
 */
export class MongoEventStore<C extends MongoClientLike = MongoClientLike> {
  /** The client in use (created from `url`, or the one given). */
  readonly client: C;
  private readonly connection: MongoConnection;
  private readonly events: MongoCollection<EventDocument>;
  private readonly batchSize: number;
  private rollupMode: RollupMode;

  constructor(options: MongoEventStoreOptions<C>) {
    const batchSize = options.batchSize ?? DEFAULT_MONGO_EVENT_STORE_OPTIONS.batchSize;
    checkInteger('batchSize', batchSize, { min: 1 });
    const rollupMode = options.rollupMode ?? DEFAULT_MONGO_EVENT_STORE_OPTIONS.rollupMode;
    if (!ROLLUP_MODES.includes(rollupMode)) throw new ConfigurationError('rollupMode', `expected one of ${ROLLUP_MODES.join(', ')}, got ${JSON.stringify(rollupMode)}`);
    this.connection = new MongoConnection(options);
    this.client = this.connection.client as unknown as C;
    this.events = this.connection.collectionOf<EventDocument>();
    this.batchSize = batchSize;
    this.rollupMode = rollupMode;
  }

  /**
   * The matching events in `(timestamp, id)` order, fetched `batchSize` at a
   * time. Stop early with `break`: the server cursor is closed.
   */
  async *findEvents(query: FindEventsQuery = {}): AsyncGenerator<TrackedEvent, void, undefined> {
    const { filter, sort, limit } = this.findArgs(query);
    if (limit === 0) return;
    const release = await this.connection.hold();
    try {
      const cursor = this.events.find(filter).sort({ timestamp: sort, _id: sort }).batchSize(Math.min(this.batchSize, limit ?? Infinity));
      if (limit !== undefined) cursor.limit(limit);
      try {
        for await (const doc of cursor) yield fromDocument(doc);
      } finally {
        await cursor.close();
      }
    } finally {
      release();
    }
  }

  /** One page of at most `limit` (default `batchSize`) events, and the cursor to pass as `after` for the next. */
  async findPage(query: FindEventsQuery = {}): Promise<EventPage> {
    const limit = checkLimit(query.limit) ?? this.batchSize;
    const events: TrackedEvent[] = [];
    // One more than asked tells whether a next page exists.
    for await (const event of this.findEvents({ ...query, limit: limit + 1 })) events.push(event);
    const more = events.length > limit;
    if (more) events.length = limit;
    return { events, next: more && events.length > 0 ? eventCursor(events[events.length - 1]!) : undefined };
  }

  /** How many events match (`limit`, `sort` and `after` do not apply). */
  async countEvents(query: EventQuery = {}): Promise<number> {
    return this.connection.run(() => this.events.countDocuments(toFilter(query)));
  }

  /**
   * Totals per calendar bucket (and per event name or `groupBy` value) of the
   * matching events, computed from the stored events themselves. Buckets
   * follow `timeZone` (default UTC, DST-aware); rows with no events are left
   * out; rows come sorted by bucket, then key. `since`/`until` cut buckets at
   * the ends, so the first and last may be partial.
   */
  async rollup(query: RollupQuery): Promise<RollupRow[]> {
    if (typeof query !== 'object' || query === null) throw new QueryError('rollup', 'expected a query object with a granularity');
    foldRollup([], query); // validates granularity and time zone before any I/O
    const match = { $match: toFilter(query) };
    if (this.rollupMode !== 'portable') {
      try {
        const rows = await this.connection.run(() => this.events.aggregate([match, rollupGroupStage(query, true)]).toArray());
        return foldRollup(rows, query);
      } catch (error) {
        if (this.rollupMode === 'server' || !mayBeUnsupported(error)) throw error;
        const rows = await this.connection.run(() => this.events.aggregate([match, rollupGroupStage(query, false)]).toArray());
        this.rollupMode = 'portable';
        return foldRollup(rows, query);
      }
    }
    const rows: MongoDocument[] = await this.connection.run(() => this.events.aggregate([match, rollupGroupStage(query, false)]).toArray());
    return foldRollup(rows, query);
  }

  /**
   * Closes the client if the store created it, within `timeoutMs` (default
   * 5000, {@link DEFAULT_MONGO_CLOSE_TIMEOUT_MS}; then it is forced); a client
   * passed in stays open. Idempotent.
   */
  close(timeoutMs: number = DEFAULT_MONGO_CLOSE_TIMEOUT_MS): Promise<void> {
    return this.connection.close(timeoutMs);
  }

  private findArgs(query: FindEventsQuery): { filter: MongoDocument; sort: 1 | -1; limit: number | undefined } {
    const { limit, sort = 'asc', after } = query;
    if (sort !== 'asc' && sort !== 'desc') throw new QueryError('sort', `expected 'asc' or 'desc', got ${JSON.stringify(sort)}`);
    checkLimit(limit);
    const base = toFilter(query);
    const filter = after === undefined ? base : { $and: [base, afterFilter(after, sort)] };
    return { filter, sort: sort === 'asc' ? 1 : -1, limit };
  }
}

function checkLimit(limit: number | undefined): number | undefined {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new QueryError('limit', `expected an integer ≥ 0, got ${String(limit)}`);
  return limit;
}
