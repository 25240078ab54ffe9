import { EventTrackError, type EventFailure } from '../../errors.js';
import type { JsonObject, TrackedEvent } from '../../event/TrackedEvent.js';
import { fromStoredValue, toStoredValue, UnstorableValue } from './storedValue.js';

/**
 * How an event is stored: the event as written, its id as `_id` (so a retried
 * batch cannot insert it twice) and `timestamp` as a BSON date, so ordinary
 * MongoDB tools and queries work on the collection. Keys of `context` and
 * `data` that MongoDB would refuse (a leading `$`, a `.`) are escaped, see
 * `escapeKey` (fieldNames.ts).
 */
export interface EventDocument {
  _id: string;
  name: string;
  timestamp: Date;
  context: JsonObject;
  data: JsonObject;
}

/**
 * The document stored for `event`. Shares `context` and `data` with the event
 * where no key needs escaping (the driver does not mutate them). A missing
 * `context` or `data` (a processor removed it) is stored as `{}`.
 *
 * @throws EventTrackError (code `ERR_EVENTTRACK_MONGODB_INVALID_DOCUMENT`) when
 * the event holds a value that cannot be stored and read back as written: see
 * {@link toStoredValue} for the rule.
 */
export function toDocument(event: TrackedEvent): EventDocument {
  try {
    if (!(event.timestamp instanceof Date) || Number.isNaN(event.timestamp.getTime())) throw new UnstorableValue('timestamp', 'is not a valid Date');
    if (typeof event.name !== 'string') throw new UnstorableValue('name', `is a ${typeof event.name}, not a string`);
    return {
      _id: event.id,
      name: event.name,
      timestamp: event.timestamp,
      context: section(event.context, 'context'),
      data: section(event.data, 'data'),
    };
  } catch (error) {
    const code = 'ERR_EVENTTRACK_MONGODB_INVALID_DOCUMENT';
    const what = `MongoDB cannot store event ${String(event?.id)} ("${String(event?.name)}")`;
    if (error instanceof UnstorableValue) throw new EventTrackError(`${what}: ${error.message}`, { code });
    throw new EventTrackError(`${what}: it could not be read: ${(error as Error)?.message ?? String(error)}`, { cause: error, code });
  }
}

function section(value: unknown, name: 'context' | 'data'): JsonObject {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnstorableValue(name, `is ${Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)}, not an object`);
  return toStoredValue(value, name) as JsonObject;
}

/** The documents of a batch: the ones to insert, their index in the batch, and the events that cannot be stored (not retryable). */
export interface BatchDocuments {
  docs: EventDocument[];
  batchIndex: number[];
  failures: EventFailure[];
}

/**
 * Converts a batch with {@link toDocument}, one event at a time, so that an
 * event that cannot be stored (a cycle, a BigInt, a function… put there by a
 * processor) fails alone: the delivery layer drops it with reason `rejected`
 * and the others are inserted.
 */
export function toDocuments(events: readonly TrackedEvent[]): BatchDocuments {
  const docs: EventDocument[] = [];
  const batchIndex: number[] = [];
  const failures: EventFailure[] = [];
  for (let i = 0; i < events.length; i++) {
    try {
      docs.push(toDocument(events[i]!));
      batchIndex.push(i);
    } catch (error) {
      failures.push({ index: i, error, retryable: false });
    }
  }
  return { docs, batchIndex, failures };
}

/**
 * The event a stored document holds, keys decoded (the inverse of
 * {@link toDocument}); tolerant of documents written by other tools (missing
 * fields become empty).
 */
export function fromDocument(doc: Partial<EventDocument> & { _id: unknown }): TrackedEvent {
  const timestamp = doc.timestamp instanceof Date ? doc.timestamp : new Date(String(doc.timestamp));
  return {
    id: String(doc._id),
    name: typeof doc.name === 'string' ? doc.name : '',
    timestamp,
    context: isObject(doc.context) ? (fromStoredValue(doc.context) as JsonObject) : {},
    data: isObject(doc.data) ? (fromStoredValue(doc.data) as JsonObject) : {},
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
