import type { TrackedEvent } from '../../event/TrackedEvent.js';

// Events emitted in one context frame share one frozen context object, so its
// JSON is built once and reused for every line.
const contextJson = new WeakMap<object, string>();

function jsonOf(context: object): string {
  let json = contextJson.get(context);
  if (json === undefined) {
    json = JSON.stringify(context);
    if (Object.isFrozen(context)) contextJson.set(context, json);
  }
  return json;
}

/**
 * One event as a JSON line (with the trailing newline), fields in envelope
 * order: `{"id","name","timestamp","context","data"}`, `timestamp` as an
 * ISO-8601 UTC string. The same text `JSON.stringify(event)` produces.
 */
export function serializeEvent(event: TrackedEvent): string {
  return (
    `{"id":${JSON.stringify(event.id)},"name":${JSON.stringify(event.name)},"timestamp":"${event.timestamp.toISOString()}",` +
    `"context":${jsonOf(event.context)},"data":${JSON.stringify(event.data)}}\n`
  );
}
