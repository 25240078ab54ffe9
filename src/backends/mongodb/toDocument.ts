import type { JsonObject, TrackedEvent } from '../../event/TrackedEvent.js';

/**
 * How an event is stored: the event as written, its id as `_id` (so a retried
 * batch cannot insert it twice) and `timestamp` as a BSON date, so ordinary
 * MongoDB tools and queries work on the collection.
 */
export interface EventDocument {
  _id: string;
  name: string;
  timestamp: Date;
  context: JsonObject;
  data: JsonObject;
}

/** The document stored for `event`. Shares `context` and `data` with the event (the driver does not mutate them). */
export function toDocument(event: TrackedEvent): EventDocument {
  return {
    _id: event.id,
    name: event.name,
    timestamp: event.timestamp,
    context: event.context as JsonObject,
    data: event.data as JsonObject,
  };
}

/** The event a stored document holds; tolerant of documents written by other tools (missing fields become empty). */
export function fromDocument(doc: Partial<EventDocument> & { _id: unknown }): TrackedEvent {
  const timestamp = doc.timestamp instanceof Date ? doc.timestamp : new Date(String(doc.timestamp));
  return {
    id: String(doc._id),
    name: typeof doc.name === 'string' ? doc.name : '',
    timestamp,
    context: isObject(doc.context) ? doc.context : {},
    data: isObject(doc.data) ? doc.data : {},
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
