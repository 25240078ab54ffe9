import { decodeKey, escapeKey } from './fieldNames.js';

/**
 * Levels of nested objects and arrays allowed inside `context` or `data`.
 * MongoDB refuses documents nested deeper than 100 levels; the event document
 * and its section take two.
 */
export const MAX_STORED_DEPTH = 98;

/**
 * Why a value cannot be stored, and where it is (`data.items.3.price`).
 * Internal: `toDocument` turns it into an `EventTrackError` with this message.
 */
export class UnstorableValue {
  readonly message: string;
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    this.message = `${path} ${reason}`;
  }
}

/**
 * The value as stored in MongoDB: keys escaped by {@link escapeKey}, checked
 * to hold only what reads back as it was written.
 *
 * | value                                        | stored as                      |
 * |----------------------------------------------|--------------------------------|
 * | string, boolean, null, finite number, valid `Date` | itself                   |
 * | plain object, array                          | itself, keys escaped           |
 * | `undefined`                                  | key left out; `null` in arrays (as JSON) |
 * | `NaN`/`±Infinity`, BigInt, function, symbol, a cycle, an invalid `Date`, any other object (Map, Buffer, class instance…), nesting deeper than {@link MAX_STORED_DEPTH} | refused: throws {@link UnstorableValue} |
 *
 * Events from `emit` are JSON already; refusals come from processors. Objects
 * and arrays are copied only where something changes: a value that needs no
 * escaping is returned as it is.
 */
export function toStoredValue(value: unknown, section: string): unknown {
  return encode(value, [section], []);
}

function encode(value: unknown, path: string[], parents: object[]): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw refuse(path, `is ${String(value)}: not JSON (and FerretDB drops the connection on it)`);
    case 'object':
      if (value === null) return value;
      break;
    default:
      throw refuse(path, `is a ${typeof value}, which is not JSON`);
  }
  if (parents.includes(value)) throw refuse(path, 'refers back to an object that contains it (a cycle)');
  if (parents.length >= MAX_STORED_DEPTH) throw refuse(path, `is nested deeper than ${MAX_STORED_DEPTH} levels`);
  if (Array.isArray(value)) return encodeArray(value, path, parents);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return encodeObject(value as Record<string, unknown>, path, parents);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw refuse(path, 'is an invalid Date');
    return value;
  }
  const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
  throw refuse(path, `is ${typeof kind === 'string' && kind !== '' ? `a ${kind}` : 'an object'}, not a plain object, array or JSON value`);
}

function encodeArray(array: readonly unknown[], path: string[], parents: object[]): unknown[] {
  parents.push(array);
  let out: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    let stored: unknown = null;
    if (item !== undefined) {
      path.push(String(i));
      stored = encode(item, path, parents);
      path.pop();
    }
    if (stored !== item && out === undefined) out = array.slice(0, i);
    if (out !== undefined) out.push(stored);
  }
  parents.pop();
  return out ?? (array as unknown[]);
}

function encodeObject(object: Record<string, unknown>, path: string[], parents: object[]): Record<string, unknown> {
  parents.push(object);
  const keys = Object.keys(object);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = object[key];
    const storedKey = escapeKey(key);
    let stored: unknown;
    if (item !== undefined) {
      path.push(key);
      stored = encode(item, path, parents);
      path.pop();
    }
    if (out === undefined && (storedKey !== key || stored !== item || item === undefined)) {
      out = {};
      for (let j = 0; j < i; j++) put(out, keys[j]!, object[keys[j]!]);
    }
    if (out !== undefined && stored !== undefined) put(out, storedKey, stored);
  }
  parents.pop();
  return out ?? object;
}

/**
 * The value as it was before {@link toStoredValue}: keys decoded by
 * {@link decodeKey}. Copies only objects with an escaped key (or below one);
 * objects that are not plain (BSON types written by other tools) are left alone.
 */
export function fromStoredValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const decoded = fromStoredValue(item);
      if (decoded !== item && out === undefined) out = value.slice(0, i);
      if (out !== undefined) out.push(decoded);
    }
    return out ?? value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = object[key];
    const original = decodeKey(key);
    const decoded = fromStoredValue(item);
    if (out === undefined && (original !== key || decoded !== item)) {
      out = {};
      for (let j = 0; j < i; j++) put(out, keys[j]!, object[keys[j]!]);
    }
    if (out !== undefined) put(out, original, decoded);
  }
  return out ?? object;
}

/** Sets an own property; `out[key] = v` with key `__proto__` would set the prototype instead. */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function refuse(path: readonly string[], reason: string): UnstorableValue {
  return new UnstorableValue(path.join('.'), reason);
}
