import type { JsonObject, JsonValue, TrackedEvent } from '../../event/TrackedEvent.js';
import { type FieldPath, getField } from '../../processors/paths.js';

/** Most properties of one Mixpanel event (Mixpanel's limit). */
export const MIXPANEL_MAX_PROPERTIES = 255;
/** Longest property name Mixpanel takes, in characters. */
export const MIXPANEL_MAX_KEY_LENGTH = 255;
/** Levels of object/list nesting kept (a top-level property's value is level 1); deeper values become JSON text. */
export const MIXPANEL_MAX_DEPTH = 3;
/** Most keys of a nested object / items of a list kept as such; bigger ones become JSON text. */
export const MIXPANEL_MAX_COLLECTION = 255;
/** The property listing what did not fit. */
export const OMITTED_PROPERTY = 'eventtrack_omitted';

const RESERVED = new Set(['time', 'distinct_id', '$insert_id', 'token', OMITTED_PROPERTY]);

/** Whether `value` stays within the nesting and size limits from `depth` down. */
function fits(value: JsonValue, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > MIXPANEL_MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.length <= MIXPANEL_MAX_COLLECTION && value.every((item) => fits(item, depth + 1));
  const keys = Object.keys(value);
  return keys.length <= MIXPANEL_MAX_COLLECTION && keys.every((key) => key.length <= MIXPANEL_MAX_KEY_LENGTH && fits(value[key]!, depth + 1));
}

/** `value` as Mixpanel keeps it: as it is within the limits, else its JSON text. */
function propertyValue(value: JsonValue): JsonValue {
  return fits(value, 1) ? value : JSON.stringify(value);
}

/** `distinct_id`: the value at the path as text; `''` when absent or null. */
export function distinctIdOf(event: TrackedEvent, path: FieldPath): string {
  const value = getField(event, path);
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The properties of a Mixpanel event, by this rule:
 * 1. `time` (ms since the epoch), `distinct_id` (from the configured path,
 *    `''` when absent) and `$insert_id` (the event id) come first.
 * 2. Then each top-level key of `data`, then of `context`, as a property of
 *    the same name; a key that is reserved (`time`, `distinct_id`,
 *    `$insert_id`, `token`, `eventtrack_omitted`) or already taken (a
 *    context key that data also has) is written `data.<key>` /
 *    `context.<key>` instead.
 * 3. Values are kept as they are (Mixpanel takes nested objects and lists)
 *    within its limits: nesting down to {@link MIXPANEL_MAX_DEPTH} levels,
 *    {@link MIXPANEL_MAX_COLLECTION} keys or items, keys up to 255 characters;
 *    a value past one of those is sent as its JSON text (a string).
 * 4. A property name longer than 255 characters, and every property past the
 *    254th, is omitted; their names are listed (as strings, cut to 255
 *    characters) in the property `eventtrack_omitted`, so nothing is lost
 *    without a trace.
 */
export function mixpanelProperties(event: TrackedEvent, distinctId: FieldPath): JsonObject {
  const properties: JsonObject = {
    time: event.timestamp.getTime(),
    distinct_id: distinctIdOf(event, distinctId),
    $insert_id: event.id,
  };
  let count = 3;
  let omitted: string[] | undefined;
  const add = (section: 'data' | 'context', source: Readonly<JsonObject> | undefined): void => {
    if (source === undefined || source === null) return;
    for (const key of Object.keys(source)) {
      const name = RESERVED.has(key) || Object.hasOwn(properties, key) ? `${section}.${key}` : key;
      if (name.length > MIXPANEL_MAX_KEY_LENGTH || count >= MIXPANEL_MAX_PROPERTIES - 1 || Object.hasOwn(properties, name)) {
        (omitted ??= []).push(name.slice(0, MIXPANEL_MAX_KEY_LENGTH));
        continue;
      }
      properties[name] = propertyValue(source[key]!);
      count++;
    }
  };
  add('data', event.data);
  add('context', event.context);
  if (omitted !== undefined) properties[OMITTED_PROPERTY] = omitted.length <= MIXPANEL_MAX_COLLECTION ? omitted : JSON.stringify(omitted);
  return properties;
}
