import type { Backend } from '../Backend.js';
import { EventTrackError, type EventFailure, PartialDeliveryError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import { ensureIndexes, eventIndexes, type IndexReport, isConnectionError } from './indexes.js';
import { type MongoBackendOptions, type ResolvedMongoBackendOptions, resolveMongoBackendOptions } from './MongoBackendOptions.js';
import { loadMongodb, type MongoClientLike, type MongoCollection } from './driver.js';
import { DEFAULT_MONGO_CLOSE_TIMEOUT_MS, MongoConnection } from './MongoConnection.js';
import { type EventDocument, toDocuments } from './toDocument.js';
import { bulkFailures, isBulkWriteError, isOversizeError, sizeLimitOf } from './writeErrors.js';

/**
 * The MongoDB event store backend: one unordered `insertMany` per batch, the
 * event id as `_id`.
 *
 * - A retried batch never duplicates: duplicate-key errors count as delivered.
 * - One bad event never fails its batch: the others are stored and the bad
 *   one is reported alone (a {@link PartialDeliveryError}, not retryable).
 * - Network errors and server restarts reject the whole `send`; the tracker's
 *   delivery layer retries the batch with backoff.
 * - Before events are reported dropped after their last retry, their ids are
 *   read back (`storedIds`): an insert that landed anyway (a lost reply, a
 *   write held by a hung server that ran before the read-back) counts as
 *   delivered.
 * - Indexes are created once, in the background on first `send` (or by
 *   awaiting `init()`); a server that refuses one never fails delivery.
 * - With `url`, the backend owns its client: connected on first use (again
 *   after a failed connect, so a database that starts after the application
 *   still gets every event), closed while idle and before the process exits
 *   (see `idleCloseMs`), and by `close(timeoutMs)`. A `client` of the
 *   application (mongodb 6 or 7) is used as it is.
 *
 * @example
 * ```ts
 * import { createTracker, MongoBackend } from 'eventtrack';
 *
 * const tracker = createTracker({
 *   backends: {
 *     mongo: new MongoBackend({ url: 'mongodb://127.0.0.1:27017/', db: 'app', contextIndexes: ['user_id'], retentionSeconds: 90 * 86_400 }),
 *   },
 * });
 * ```
 */
export class MongoBackend<C extends MongoClientLike = MongoClientLike> implements Backend {
  /** The client in use (created from `url`, or the one given). */
  readonly client: C;
  /**
   * Two batches in flight: the driver encodes the next batch while the server
   * stores the last (about 1.5× the events/s of one at a time, measured on
   * FerretDB). Event order does not matter to the store: ids and timestamps
   * order events, not insertion. Override with the `delivery` option.
   */
  readonly delivery = Object.freeze({ maxInFlight: 2 });
  /** Database and collection the events go to. */
  readonly db: string;
  readonly collection: string;
  private readonly connection: MongoConnection;
  private readonly options: ResolvedMongoBackendOptions;
  private readonly events: MongoCollection<EventDocument>;
  private indexing: Promise<IndexReport> | undefined;
  private closed: Promise<void> | undefined;

  constructor(options: MongoBackendOptions<C>) {
    this.options = resolveMongoBackendOptions(options);
    this.connection = new MongoConnection(options);
    this.client = this.connection.client as unknown as C;
    this.db = this.connection.db;
    this.collection = this.connection.collection;
    this.events = this.connection.collectionOf<EventDocument>({ writeConcern: this.options.writeConcern });
  }

  /**
   * Creates the indexes (once; later calls return the same report). Optional:
   * the first `send` starts it in the background. Never rejects: refused
   * indexes are listed in the report and passed to `onIndexError`.
   */
  init(): Promise<IndexReport> {
    this.indexing ??= this.createIndexes();
    return this.indexing;
  }

  /** Writes a batch; see the class comment for what is thrown when. */
  async send(events: readonly TrackedEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.closed !== undefined) throw new EventTrackError('MongoBackend is closed', { code: 'ERR_EVENTTRACK_CLOSED' });
    if (this.options.indexes && this.indexing === undefined) void this.init();
    // An event that cannot be stored (a cycle, a BigInt…) fails alone, before the insert.
    const { docs, batchIndex, failures: unstorable } = toDocuments(events);
    const failures = docs.length === 0 ? unstorable : [...unstorable, ...(await this.connection.run(() => this.insert(docs, batchIndex)))];
    if (failures.length > 0) {
      throw new PartialDeliveryError(failures, `${failures.length} of ${events.length} event(s) rejected by MongoDB: ${String((failures[0]!.error as Error).message)}`);
    }
  }

  /** Inserts `docs`; resolves to the events that failed for good, rejects when the whole batch should be retried. */
  private async insert(docs: EventDocument[], batchIndex: number[]): Promise<EventFailure[]> {
    try {
      await this.events.insertMany(docs, { ordered: false });
      return [];
    } catch (error) {
      // By shape, not `instanceof`: the application's client may come from another copy or major of the driver.
      if (isBulkWriteError(error)) {
        const failures = bulkFailures(error, docs, batchIndex);
        if (failures !== undefined) return failures;
      }
      // The driver refuses the whole batch when one document exceeds the
      // server's size limit; set those aside and insert the others.
      if (isOversizeError(error) && docs.length > 0) return this.insertWithoutOversize(docs, batchIndex, sizeLimitOf(error));
      throw error;
    }
  }

  private async insertWithoutOversize(docs: EventDocument[], batchIndex: number[], limit: number): Promise<EventFailure[]> {
    const keep: EventDocument[] = [];
    const keepIndex: number[] = [];
    const failures: EventFailure[] = [];
    docs.forEach((doc, i) => {
      const size = loadMongodb('client').BSON.calculateObjectSize(doc);
      if (size < limit) {
        // The driver refuses `size >= limit`; keeping a document of exactly
        // `limit` bytes would fail the whole batch on every retry.
        keep.push(doc);
        keepIndex.push(batchIndex[i]!);
      } else {
        failures.push({
          index: batchIndex[i]!,
          retryable: false,
          error: new EventTrackError(`MongoDB rejected event ${doc._id} ("${doc.name}"): its document is ${size} bytes, at or over the ${limit}-byte limit`, {
            code: 'ERR_EVENTTRACK_MONGODB_REJECTED',
          }),
        });
      }
    });
    if (failures.length === 0) throw new EventTrackError('MongoDB refused a document as too large, but none is over the limit');
    return keep.length === 0 ? failures : [...failures, ...(await this.insert(keep, keepIndex))];
  }

  private async createIndexes(): Promise<IndexReport> {
    const { retentionSeconds, contextIndexes, onIndexError } = this.options;
    let report: IndexReport;
    try {
      report = await this.connection.run(() => ensureIndexes(this.events, eventIndexes({ retentionSeconds, contextIndexes })));
    } catch (error) {
      const failure = new EventTrackError(`MongoDB index creation failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      // A failed connect decides nothing about the indexes: tried again on the next send.
      report = { unreachable: isConnectionError(error), created: [], failed: [{ index: '*', error: failure }] };
    }
    if (report.unreachable) {
      // Try again on the next send, once the server is back.
      if (this.closed === undefined) this.indexing = undefined;
      return report;
    }
    for (const { error } of report.failed) {
      try {
        onIndexError?.(error);
      } catch {
        // A throwing listener must not turn into an unhandled rejection.
      }
    }
    return report;
  }

  /**
   * The ids among `events` that are in the collection (`find` on `_id`):
   * asked by the delivery layer before it reports events dropped, so an
   * insert that landed after its attempt timed out counts as delivered.
   */
  async storedIds(events: readonly TrackedEvent[]): Promise<readonly string[]> {
    if (events.length === 0) return [];
    const ids = events.map((event) => event.id);
    const docs = await this.connection.run(() => this.events.find({ _id: { $in: ids } }).project({ _id: 1 }).toArray());
    return docs.map((doc) => String(doc._id));
  }

  /** Nothing is buffered here: every `send` has resolved once its batch was written. */
  flush(): void {}

  /**
   * Closes the client if the backend created it, within `timeoutMs` (default
   * 5000, {@link DEFAULT_MONGO_CLOSE_TIMEOUT_MS}; then it is forced), index
   * creation still running is abandoned; a client passed in stays open.
   * Idempotent (later calls return the first call's promise).
   */
  close(timeoutMs: number = DEFAULT_MONGO_CLOSE_TIMEOUT_MS): Promise<void> {
    this.closed ??= (async () => {
      const started = Date.now();
      await this.connection.close(timeoutMs);
      if (this.indexing !== undefined && this.connection.ownsClient) {
        await Promise.race([this.indexing, new Promise((resolve) => setTimeout(resolve, Math.max(0, timeoutMs - (Date.now() - started))).unref())]);
      }
    })();
    return this.closed;
  }
}
