import type { TrackedEvent } from '../../event/TrackedEvent.js';

// Most of a line repeats between events, so the repeated parts are kept:
// - events of one context frame share one frozen context object: its JSON is built once;
// - event names repeat: their JSON string is cached (bounded);
// - events of one millisecond share their ISO timestamp.
const contextJson = new WeakMap<object, string>();
const nameJson = new Map<string, string>();
const NAME_CACHE_SIZE = 1024;
let isoMs = Number.NaN;
const SAFE_ID = /^[0-9a-f-]{36}$/;
let isoText = '';

function jsonOfContext(context: object): string {
  let json = contextJson.get(context);
  if (json === undefined) {
    json = JSON.stringify(context);
    if (Object.isFrozen(context)) contextJson.set(context, json);
  }
  return json;
}

function jsonOfName(name: string): string {
  let json = nameJson.get(name);
  if (json === undefined) {
    json = JSON.stringify(name);
    if (nameJson.size >= NAME_CACHE_SIZE) nameJson.clear();
    nameJson.set(name, json);
  }
  return json;
}

function isoOf(timestamp: Date): string {
  const ms = timestamp.getTime();
  if (ms !== isoMs) {
    isoText = timestamp.toISOString();
    isoMs = ms;
  }
  return isoText;
}

/**
 * One event as a JSON line (with the trailing newline), fields in envelope
 * order: `{"id","name","timestamp","context","data"}`, `timestamp` as an
 * ISO-8601 UTC string: the same text as `JSON.stringify(event) + '\n'`.
 */
export function serializeEvent(event: TrackedEvent): string {
  return (
    // Ids made by the tracker are hex and dashes; a processor may have set anything else.
    `{"id":${SAFE_ID.test(event.id) ? `"${event.id}"` : JSON.stringify(event.id)},"name":${jsonOfName(event.name)},` +
    `"timestamp":"${isoOf(event.timestamp)}","context":${jsonOfContext(event.context)},"data":${JSON.stringify(event.data)}}\n`
  );
}
