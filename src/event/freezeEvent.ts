import { EventTimestamp, eventTimestamp } from './timestamp.js';
import type { TrackedEvent } from './TrackedEvent.js';

/**
 * Freezes `value` and every plain object and array below it. Objects already
 * frozen are taken as frozen all the way down (what `emit` builds is: data,
 * contexts, timestamps), which also ends cycles. Other objects (class
 * instances, Maps, typed arrays) are left as they are: freezing them does not
 * make them immutable, or throws.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    Object.freeze(value);
    for (const item of value) deepFreeze(item);
    return value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  // Frozen before its children, so a cycle through it stops here.
  Object.freeze(value);
  for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

/**
 * Makes an event a processor returned as immutable as the ones `emit` builds,
 * so that nothing downstream (later processors, sibling backends and routes)
 * can change what the others see: plain objects and arrays frozen deeply, a
 * `Date` timestamp replaced by a read-only one of the same time. An event
 * that is already frozen with a read-only timestamp is returned as it is.
 */
export function freezeEvent(event: TrackedEvent): TrackedEvent {
  if (typeof event !== 'object' || event === null) return event;
  const timestamp: unknown = event.timestamp;
  const mutableTime = timestamp instanceof Date && !(timestamp instanceof EventTimestamp);
  if (Object.isFrozen(event)) {
    if (!mutableTime) return event;
    event = { ...event };
  }
  if (mutableTime) (event as { timestamp: Date }).timestamp = eventTimestamp(timestamp.getTime());
  return deepFreeze(event);
}
