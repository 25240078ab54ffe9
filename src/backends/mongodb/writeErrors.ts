import { EventTrackError, type EventFailure } from '../../errors.js';
import type { EventDocument } from './toDocument.js';

/** The event is already stored: a retried batch, delivered before. Counts as delivered. */
export const DUPLICATE_KEY = 11000;

/** Per-document codes that may succeed on a retry (the server was busy, stepping down or shutting down). */
const TRANSIENT_CODES = new Set([
  6, 7, 50, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);

/** One per-document error of a bulk write (the driver's `WriteError`). */
export interface WriteErrorShape {
  readonly index: number;
  readonly code: number;
  readonly errmsg?: string;
}

/** A bulk write error (the driver's `MongoBulkWriteError`), as far as eventtrack reads it. */
export interface BulkWriteErrorShape {
  readonly name: string;
  readonly writeErrors?: WriteErrorShape | readonly WriteErrorShape[];
  readonly err?: unknown;
}

/**
 * True for a bulk write error of any copy or major of the driver, recognised
 * by its name and fields (never `instanceof`: the application's client may
 * come from another copy of mongodb than the one eventtrack sees).
 */
export function isBulkWriteError(error: unknown): error is BulkWriteErrorShape {
  if (typeof error !== 'object' || error === null) return false;
  const { name, writeErrors } = error as { name?: unknown; writeErrors?: unknown };
  return name === 'MongoBulkWriteError' && (writeErrors === undefined || typeof writeErrors === 'object');
}

/**
 * Turns a bulk insert error into per-event failures, or `undefined` when the
 * whole batch must be retried (no per-document errors: a network error or a
 * write concern error; the retry is harmless since `_id` is the event id).
 * `batchIndex[i]` is the index in the batch of the `i`-th document inserted.
 */
export function bulkFailures(error: BulkWriteErrorShape, docs: readonly EventDocument[], batchIndex: readonly number[]): EventFailure[] | undefined {
  const raw = error.writeErrors;
  const writeErrors: readonly WriteErrorShape[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw as WriteErrorShape];
  if (writeErrors.length === 0 || error.err !== undefined) return undefined;
  const failures: EventFailure[] = [];
  for (const writeError of writeErrors) {
    if (writeError.code === DUPLICATE_KEY) continue;
    const doc = docs[writeError.index];
    failures.push({
      index: batchIndex[writeError.index] ?? writeError.index,
      retryable: TRANSIENT_CODES.has(writeError.code),
      error: new EventTrackError(`MongoDB rejected event ${doc?._id ?? '?'} ("${doc?.name ?? '?'}"): ${writeError.errmsg ?? `code ${writeError.code}`}`, {
        cause: writeError,
        code: 'ERR_EVENTTRACK_MONGODB_REJECTED',
      }),
    });
  }
  return failures;
}

/** True for the driver's client-side refusal of a document over the server's BSON size limit. */
export function isOversizeError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'MongoInvalidArgumentError' && /larger than the maximum size/i.test(error.message);
}

/** The size limit named in an oversize error, else MongoDB's 16 MiB. */
export function sizeLimitOf(error: Error): number {
  const match = /maximum size (\d+)/i.exec(error.message);
  return match === null ? 16 * 1024 * 1024 : Number(match[1]);
}
