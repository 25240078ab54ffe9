import { EventTrackError } from '../../errors.js';
import { storedPath } from './fieldNames.js';
import type { MongoCollection } from './driver.js';
import type { EventDocument } from './toDocument.js';

/** One index the backend wants on its collection. */
export interface EventIndex {
  key: Record<string, 1 | -1>;
  options: { expireAfterSeconds?: number };
}

/** What {@link MongoBackend.init} did to the indexes. */
export interface IndexReport {
  /** `true` when the server could not be reached: nothing was decided, the next `send` tries again. */
  unreachable: boolean;
  /** Names of the indexes that exist now (created, or already there). */
  created: string[];
  /** Indexes the server refused (e.g. FerretDB 1.x has no TTL indexes); delivery goes on without them. */
  failed: { index: string; error: EventTrackError }[];
}

/** Human-readable key pattern, `{ name: 1, timestamp: -1 }` → `name_1_timestamp_-1`. */
export function indexLabel(index: EventIndex): string {
  const label = Object.entries(index.key).map(([k, v]) => `${k}_${v}`).join('_');
  return index.options.expireAfterSeconds === undefined ? label : `${label} (TTL ${index.options.expireAfterSeconds}s)`;
}

/**
 * The index set: `{ name: 1, timestamp: -1 }` (events by name, newest first),
 * `{ timestamp: -1 }` (time ranges; carries the TTL when `retentionSeconds`
 * is set), and `{ context.<path>: 1, timestamp: -1 }` per context path.
 */
export function eventIndexes(options: { retentionSeconds: number | undefined; contextIndexes: readonly string[] }): EventIndex[] {
  const indexes: EventIndex[] = [
    { key: { name: 1, timestamp: -1 }, options: {} },
    {
      key: { timestamp: -1 },
      options: options.retentionSeconds === undefined ? {} : { expireAfterSeconds: options.retentionSeconds },
    },
  ];
  for (const path of options.contextIndexes) indexes.push({ key: { [storedPath(`context.${path}`)]: 1, timestamp: -1 }, options: {} });
  return indexes;
}

/**
 * Creates the indexes one by one, so that one the server refuses does not
 * stop the others. A refused TTL index falls back to the same index without
 * TTL (retention is then not enforced, and the report says so).
 */
export async function ensureIndexes(collection: MongoCollection<EventDocument>, indexes: readonly EventIndex[]): Promise<IndexReport> {
  const report: IndexReport = { unreachable: false, created: [], failed: [] };
  for (const index of indexes) {
    try {
      report.created.push(await collection.createIndex(index.key, index.options));
    } catch (error) {
      if (isConnectionError(error)) {
        report.unreachable = true;
        report.failed.push({ index: '*', error: new EventTrackError(`MongoDB unreachable while creating indexes: ${(error as Error).message}`, { cause: error }) });
        return report;
      }
      report.failed.push({
        index: indexLabel(index),
        error: new EventTrackError(`MongoDB refused index ${indexLabel(index)}: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
          code: 'ERR_EVENTTRACK_MONGODB_INDEX',
        }),
      });
      if (index.options.expireAfterSeconds !== undefined) {
        const plain: EventIndex = { key: index.key, options: {} };
        try {
          report.created.push(await collection.createIndex(plain.key, plain.options));
        } catch {
          // Already reported under the TTL variant.
        }
      }
    }
  }
  return report;
}

/** Errors that say nothing about the index: the server could not be reached or the client was closed. */
export function isConnectionError(error: unknown): boolean {
  const name = (error as Error | undefined)?.name ?? '';
  return /^Mongo(Network|NetworkTimeout|ServerSelection|TopologyClosed|NotConnected)Error$/.test(name);
}
