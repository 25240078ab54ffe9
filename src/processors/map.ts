import type { JsonObject, TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';

/** The parts of an event a {@link map} function may replace; `id` and `timestamp` are kept. */
export interface EventChanges {
  /** A new event name (non-empty). */
  readonly name?: string;
  /** A new `data` object (JSON-safe; it is not normalised again). */
  readonly data?: JsonObject;
  /** A new `context` object (JSON-safe; it is not normalised again). */
  readonly context?: JsonObject;
}

/**
 * Transforms events with a function that returns the parts to replace:
 * `map((e) => ({ name: e.name.replace(/^legacy\./, '') }))`.
 *
 * Return `null` to drop the event and `undefined` to keep it as it is. The id
 * and timestamp are always kept, because delivery deduplicates retries by id.
 * A function that returns an invalid name throws, which the tracker reports
 * (the event then continues unchanged).
 */
export function map(fn: (event: TrackedEvent) => EventChanges | null | undefined): Processor {
  return (event) => {
    const changes = fn(event);
    if (changes === null || changes === undefined) return changes;
    if (changes.name !== undefined && (typeof changes.name !== 'string' || changes.name === '')) {
      throw new TypeError(`map(): the new event name must be a non-empty string, got ${JSON.stringify(changes.name)}`);
    }
    return {
      ...event,
      name: changes.name ?? event.name,
      context: changes.context ?? event.context,
      data: changes.data ?? event.data,
    };
  };
}
