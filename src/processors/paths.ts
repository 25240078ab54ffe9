import { ConfigurationError } from '../errors.js';
import type { JsonObject, JsonValue, TrackedEvent } from '../event/TrackedEvent.js';

/** The parts of an event a processor may address by path. */
export type EventSection = 'data' | 'context';

/** A parsed dotted path into `data` or `context`, e.g. `context.user.id`. */
export interface FieldPath {
  readonly section: EventSection;
  /** The keys below the section; never empty. */
  readonly keys: readonly string[];
}

/**
 * Parses `data.a.b` / `context.a.b`. Keys are separated by dots; a key that
 * itself contains a dot cannot be addressed (event fields rarely do).
 *
 * @throws ConfigurationError naming `option` when the path has another root or no key.
 */
export function parseFieldPath(path: unknown, option: string): FieldPath {
  if (typeof path !== 'string') throw new ConfigurationError(option, 'expected a dotted path string like "data.password"');
  const [section, ...keys] = path.split('.');
  if (section !== 'data' && section !== 'context') {
    throw new ConfigurationError(option, `"${path}" must start with "data." or "context."`);
  }
  if (keys.length === 0 || keys.some((key) => key === '')) {
    throw new ConfigurationError(option, `"${path}" must name a field below "${section}" (no empty segments)`);
  }
  return { section, keys };
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INDEX = /^(?:0|[1-9]\d*)$/;

/** The array index a path key names (`0`, `1`, … as written, no sign, no leading zero), else `undefined`. */
export function arrayIndex(key: string): number | undefined {
  return INDEX.test(key) ? Number(key) : undefined;
}

/**
 * The value at `keys` below `root`, or `undefined`: the one path reader of
 * eventtrack (processors, counter rules, the edX mapping). Each key is an own
 * property of an object (`constructor`, `toString`, … are never inherited),
 * or of an array an index (`items.0`) or `length` (`items.length`).
 */
export function getIn(root: JsonValue | undefined, keys: readonly string[]): JsonValue | undefined {
  let current = root;
  for (const key of keys) {
    if (Array.isArray(current)) {
      if (key === 'length') current = current.length;
      else {
        const index = arrayIndex(key);
        current = index === undefined ? undefined : current[index];
      }
    } else if (isObject(current)) current = Object.hasOwn(current, key) ? current[key] : undefined;
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

/** Reads a field of an event by parsed path. */
export function getField(event: TrackedEvent, path: FieldPath): JsonValue | undefined {
  return getIn(event[path.section], path.keys);
}

/**
 * Returns a copy of `root` with `value` at `keys` (or the key removed when
 * `value` is `undefined`), copying only the objects along the path. Missing
 * intermediate objects are created; a non-object in the way is replaced.
 */
export function setIn(root: JsonObject, keys: readonly string[], value: JsonValue | undefined, depth = 0): JsonObject {
  const key = keys[depth]!;
  if (depth === keys.length - 1) {
    if (value !== undefined) return { ...root, [key]: value };
    return Object.hasOwn(root, key) ? without(root, new Set([key])) : root;
  }
  const copy: JsonObject = { ...root };
  const child = root[key];
  if (value === undefined && !isObject(child)) return root;
  copy[key] = setIn(isObject(child) ? child : {}, keys, value, depth + 1);
  return copy;
}

/**
 * A copy of `root` without `keys`, built key by key: `delete` on a copy would
 * turn it into a slow dictionary-mode object for every later reader.
 */
export function without(root: Readonly<JsonObject>, keys: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const key in root) if (!keys.has(key)) out[key] = root[key]!;
  return out;
}

/**
 * Builds the event that differs from `event` only in the given sections (a
 * spread, so fields the tracker may add to events later are kept).
 */
export function withSections(
  event: TrackedEvent,
  changes: { readonly data?: JsonObject | undefined; readonly context?: JsonObject | undefined },
): TrackedEvent {
  return { ...event, context: changes.context ?? event.context, data: changes.data ?? event.data };
}
