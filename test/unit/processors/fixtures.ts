// Builds deeply frozen events: a processor that mutates its input throws (ES modules are strict).
import type { JsonObject, TrackedEvent } from '../../../src/event/TrackedEvent.js';

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function makeEvent(parts: { name?: string; data?: JsonObject; context?: JsonObject; id?: string } = {}): TrackedEvent {
  return deepFreeze({
    id: parts.id ?? '01900000-0000-7000-8000-000000000001',
    name: parts.name ?? 'test.event',
    timestamp: new Date('2024-05-06T07:08:09.123Z'),
    context: parts.context ?? {},
    data: parts.data ?? {},
  });
}
