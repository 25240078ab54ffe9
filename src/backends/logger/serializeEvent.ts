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

const EMPTY = '{}';

function jsonOf(value: unknown, field: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`the event's ${field} is ${typeof value}, not a JSON value`);
  return json;
}

function jsonOfContext(context: object | undefined): string {
  if (context === undefined || context === null) return EMPTY;
  let json = contextJson.get(context);
  if (json === undefined) {
    json = jsonOf(context, 'context');
    if (Object.isFrozen(context)) contextJson.set(context, json);
  }
  return json;
}

function jsonOfName(name: string): string {
  let json = nameJson.get(name);
  if (json === undefined) {
    if (typeof name !== 'string') throw new TypeError(`the event's name is ${typeof name}, not a string`);
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
 * A `data` or `context` that a processor removed is written as `{}` (as edX
 * writes a missing payload), so every line is JSON.
 *
 * @throws TypeError when the name is not a string, or `data`/`context` is not a JSON value (e.g. a function).
 */
export function serializeEvent(event: TrackedEvent): string {
  return (
    // Ids made by the tracker are hex and dashes; a processor may have set anything else.
    `{"id":${SAFE_ID.test(event.id) ? `"${event.id}"` : jsonOf(event.id, 'id')},"name":${jsonOfName(event.name)},` +
    `"timestamp":"${isoOf(event.timestamp)}","context":${jsonOfContext(event.context)},"data":${event.data === undefined || event.data === null ? EMPTY : jsonOf(event.data, 'data')}}\n`
  );
}
