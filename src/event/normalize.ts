import { messageOf } from '../delivery/messageOf.js';
import { ValidationError } from '../errors.js';
import type { JsonObject, JsonValue } from './TrackedEvent.js';

/** Depth below which nested values are replaced by `"[Truncated]"`. */
export const MAX_DEPTH = 32;

/** Thrown (never outside this module) to stop a walk that passed its size limit. */
const OVER_LIMIT: unique symbol = Symbol('over the size limit');

/** Characters of `n` in JSON; small integers are estimated (±2) without formatting them. */
function numberSize(n: number): number {
  return n >= 0 && n < 1e6 && Number.isInteger(n) ? (n < 10 ? 1 : n < 1000 ? 3 : 6) : String(n).length;
}

/**
 * A shallow copy of `v` that V8 freezes cheaply. `Object.freeze` of a spread
 * copy (`{ ...v }`) costs about ten times the copy itself (the copy's hidden
 * class has no transition to a frozen one to share), while an object built
 * key by key from `{}` freezes in a few nanoseconds. An own `__proto__` key
 * stays a data property (spread, the rare slow case).
 */
export function freezableCopy<T extends object>(v: T): T {
  return Object.hasOwn(v, '__proto__') ? { ...v } : Object.assign({}, v);
}

/**
 * The JSON size of `v` when it is frozen and holds only strings and finite
 * numbers (own enumerable keys, plain prototype): such an object can serve as
 * a context as it is, with nothing to copy or convert. `undefined` for any
 * other value.
 */
export function flatJsonSize(v: object): number | undefined {
  if (!Object.isFrozen(v) || Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  let size = 2;
  for (const key in v) {
    const item = (v as Record<string, unknown>)[key];
    if (typeof item === 'string') size += key.length + item.length + 6;
    else if (typeof item === 'number' && Number.isFinite(item)) size += key.length + 4 + numberSize(item);
    else return undefined;
  }
  return size;
}

/**
 * Copies a value into plain JSON, one walk, and tallies its JSON size on the
 * way. The rules, applied at any depth:
 *
 * | value                                   | recorded as                                         |
 * |-----------------------------------------|-----------------------------------------------------|
 * | string, boolean, finite number, null    | itself                                              |
 * | `NaN`, `Infinity`, `-Infinity`          | `null` (as `JSON.stringify`)                        |
 * | `undefined`, function                   | key omitted; `null` inside arrays                   |
 * | symbol                                  | its description, `"Symbol(x)"`                      |
 * | BigInt                                  | decimal string, `"12345678901234567890"`           |
 * | Date                                    | ISO-8601 string; an invalid Date → `null`           |
 * | RegExp                                  | its source, `"/ab+c/i"`                             |
 * | Map                                     | object with `String(key)` keys                      |
 * | Set                                     | array                                               |
 * | Error                                   | `{ name, message, stack, code?, cause?, …own }`     |
 * | Buffer, Uint8Array, ArrayBuffer, DataView | base64 string                                     |
 * | other typed arrays                      | array of numbers (BigInt arrays: strings)           |
 * | object with `toJSON()`                  | its result, normalised; a throwing `toJSON` → `"[Unserializable: message]"` |
 * | value that throws when read (a getter, a revoked Proxy) | `"[Unserializable: message]"`, as a throwing `toJSON` |
 * | boxed String/Number/Boolean             | the primitive                                       |
 * | other objects, class instances          | own enumerable string keys                          |
 * | circular reference                      | `"[Circular]"`                                      |
 * | nesting deeper than {@link MAX_DEPTH}   | `"[Truncated]"`                                     |
 *
 * The size is the length of the JSON text in UTF-16 code units, without
 * counting escape sequences. With `strict`, any conversion other than dropping
 * an `undefined` property throws a {@link ValidationError} naming the path.
 *
 * Given a `limit`, the walk stops as soon as the size passes it (or it has
 * visited more than `limit` keys and items, omitted ones included), before
 * reading or allocating anything more: an array's length, a Map's or Set's
 * size, a buffer's byte length and a string's length are checked before their
 * contents are walked, so the work is bounded by the limit whatever the input
 * (a 10⁶-key object, a sparse array of length 2³²−1). `oversized` then says so
 * and the value returned is empty. Only the engine's own listing of an
 * object's keys (one native step) is proportional to its key count.
 */
export class Normalizer {
  /** JSON size of the last value normalised. */
  size = 0;
  /** How many values the last call had to convert. */
  conversions = 0;
  /** Whether the last call stopped at its `limit` (then `size` is over the limit and the result empty). */
  oversized = false;
  private readonly seen: object[] = [];
  private readonly path: string[] = [];
  /** Whether the current call freezes what it builds. */
  private freezing = false;
  private limit = Infinity;
  /** Keys and items visited that add nothing to the size (omitted ones): work counted against the limit. */
  private omitted = 0;

  constructor(private readonly strict: boolean) {}

  /**
   * Normalises `input` into a fresh JSON object; non-objects are wrapped as
   * `{ value }`. With `freeze`, every object and array of the result is frozen
   * (events and context frames are immutable). With `limit`, the walk stops
   * once the JSON size passes it (see the class description and `oversized`).
   */
  object(input: unknown, freeze = false, limit = Infinity): JsonObject {
    this.freezing = freeze;
    this.limit = limit;
    this.size = 0;
    this.conversions = 0;
    this.omitted = 0;
    this.oversized = false;
    if (this.path.length !== 0) this.path.length = 0; // a strict error thrown from below leaves its path behind
    if (input === undefined || input === null) {
      this.size = 2;
      return freeze ? Object.freeze({}) : {};
    }
    try {
      return this.root(input);
    } catch (error) {
      if (error !== OVER_LIMIT) throw error;
      this.oversized = true;
      this.size = Math.max(this.size, limit + 1);
      return freeze ? Object.freeze({}) : {};
    }
  }

  private root(input: NonNullable<unknown>): JsonObject {
    try {
      if (typeof input === 'object' && Object.getPrototypeOf(input) === Object.prototype && (input as { toJSON?: unknown }).toJSON === undefined) {
        // The common case, without the general dispatch.
        this.seen.push(input);
        try {
          return this.plain(input as Record<string, unknown>, 0);
        } finally {
          this.seen.pop();
        }
      }
    } catch (error) {
      return this.wrap(this.unreadable(error, 0));
    }
    if (typeof input === 'object' && !Array.isArray(input)) {
      const value = this.value(input, 0);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
      return this.wrap(value);
    }
    this.convert('non-object data', 'wrapped as { value }');
    return this.wrap(this.value(input, 0) ?? null);
  }

  /** The marker for a value that threw when read; strict conversions (a `ValidationError`) and the size limit go on up. */
  private unreadable(error: unknown, depth: number): JsonValue {
    if (error === OVER_LIMIT || error instanceof ValidationError) throw error;
    this.convert('value that throws when read', '"[Unserializable: …]"');
    return this.value(`[Unserializable: ${messageOf(error)}]`, depth)!;
  }

  private wrap(value: JsonValue | undefined): JsonObject {
    this.size += 10;
    const out = { value: value ?? null };
    return this.freezing ? Object.freeze(out) : out;
  }

  /** Stops the walk when `more` characters (or steps) would take it past the limit. */
  private reserve(more: number): void {
    if (this.size + this.omitted + more > this.limit) throw OVER_LIMIT;
  }

  private convert(kind: string, rule: string): void {
    this.conversions++;
    if (this.strict) {
      const where = this.path.length === 0 ? '(root)' : this.path.join('.');
      throw new ValidationError('non-json-value', `Value at ${where} is a ${kind}, not JSON (would be ${rule}; strict mode is on)`, {
        path: where,
      });
    }
  }

  private value(v: unknown, depth: number): JsonValue | undefined {
    switch (typeof v) {
      case 'string':
        this.size += v.length + 2;
        if (this.size > this.limit) throw OVER_LIMIT;
        return v;
      case 'number':
        if (Number.isFinite(v)) {
          this.size += numberSize(v);
          return v;
        }
        this.convert('non-finite number', 'null');
        this.size += 4;
        return null;
      case 'boolean':
        this.size += v ? 4 : 5;
        return v;
      case 'undefined':
        return undefined;
      case 'bigint':
        this.convert('BigInt', 'a decimal string');
        // Decimal formatting is superlinear: estimate the digits from the hex length first.
        this.reserve(Math.floor((v < 0n ? -v : v).toString(16).length * 1.2));
        return this.value(v.toString(), depth);
      case 'symbol':
        this.convert('symbol', 'its description');
        return this.value(v.toString(), depth);
      case 'function':
        this.convert('function', 'omitted');
        return undefined;
      default:
        if (v === null) {
          this.size += 4;
          return null;
        }
        return this.compound(v as object, depth);
    }
  }

  private compound(v: object, depth: number): JsonValue | undefined {
    try {
      return this.walk(v, depth);
    } catch (error) {
      return this.unreadable(error, depth);
    }
  }

  private walk(v: object, depth: number): JsonValue | undefined {
    if (depth >= MAX_DEPTH) {
      this.convert('value nested too deep', '"[Truncated]"');
      return this.value('[Truncated]', depth);
    }
    if (this.seen.includes(v)) {
      this.convert('circular reference', '"[Circular]"');
      return this.value('[Circular]', depth);
    }
    const proto: unknown = Object.getPrototypeOf(v);
    const plain = (proto === Object.prototype || proto === null) && (v as { toJSON?: unknown }).toJSON === undefined;
    if (!plain && !Array.isArray(v)) return this.special(v, depth);
    this.seen.push(v);
    try {
      return plain ? this.plain(v as Record<string, unknown>, depth) : this.array(v as unknown[], depth);
    } finally {
      this.seen.pop();
    }
  }

  /** Walks a converted value with `v` marked as being visited (for cycle detection). */
  private enter<T>(v: object, walk: () => T): T {
    this.seen.push(v);
    try {
      return walk();
    } finally {
      this.seen.pop();
    }
  }

  /**
   * Copies a plain object (or, with `ownOnly`, a class instance's own keys).
   * First a bound from the keys alone, no value read (each key costs at least
   * `"key":` in the JSON, or a step of work when its value is omitted), so a
   * huge object stops before it is copied; then a native copy (three times
   * faster than rebuilding the object key by key, each value read once: what
   * is measured is what is kept), fixed up in place.
   */
  private plain(v: Record<string, unknown>, depth: number, ownOnly = false): JsonObject {
    let bound = this.size + this.omitted + 2;
    if (ownOnly) {
      for (const key of Object.keys(v)) if ((bound += key.length + 4) > this.limit) throw OVER_LIMIT;
    } else {
      for (const key in v) if ((bound += key.length + 4) > this.limit) throw OVER_LIMIT;
    }
    // Spread is the fastest copy, unless it is frozen next (see freezableCopy).
    const out = this.freezing ? freezableCopy(v) : { ...v };
    let size = 2;
    for (const key in out) {
      const item = out[key];
      size += key.length + 4;
      if (typeof item === 'string') size += item.length + 2;
      else if (typeof item === 'boolean') size += 5;
      else if (typeof item === 'number' && Number.isFinite(item)) size += numberSize(item);
      else {
        if (this.strict) this.path.push(key);
        const converted = this.value(item, depth + 1);
        if (this.strict) this.path.pop();
        if (converted === undefined) {
          delete out[key];
          size -= key.length + 4;
          this.omitted++;
        } else if (converted !== item) {
          Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
        }
      }
      if (this.size + this.omitted + size > this.limit) throw OVER_LIMIT;
    }
    this.size += size;
    return (this.freezing ? Object.freeze(out) : out) as JsonObject;
  }

  private array(v: readonly unknown[], depth: number): JsonValue[] {
    const length = v.length;
    // Checked before allocating: each item is at least one character and a comma.
    this.reserve(2 * length + 1);
    const out: JsonValue[] = new Array<JsonValue>(length);
    this.size += 2 + length;
    for (let i = 0; i < length; i++) {
      if (this.strict) this.path.push(String(i));
      const item = this.value(v[i], depth + 1);
      if (this.strict) this.path.pop();
      if (item === undefined) this.size += 4;
      out[i] = item ?? null;
      if (this.size > this.limit) throw OVER_LIMIT;
    }
    if (this.freezing) Object.freeze(out);
    return out;
  }

  private special(v: object, depth: number): JsonValue | undefined {
    if (v instanceof Date) {
      this.convert('Date', 'an ISO-8601 string');
      return Number.isNaN(v.getTime()) ? this.value(null, depth) : this.value(v.toISOString(), depth);
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return this.binary(v, depth);
    if (v instanceof Map) {
      this.convert('Map', 'an object');
      this.reserve(v.size);
      const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [key, item] of v) obj[String(key)] = item;
      return this.enter(v, () => this.plain(obj, depth));
    }
    if (v instanceof Set) {
      this.convert('Set', 'an array');
      this.reserve(2 * v.size + 1);
      return this.enter(v, () => this.array([...v], depth));
    }
    if (v instanceof Error) {
      this.convert('Error', '{ name, message, stack, … }');
      const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      fields['name'] = v.name;
      fields['message'] = v.message;
      fields['stack'] = v.stack;
      for (const key of Object.keys(v)) fields[key] = (v as unknown as Record<string, unknown>)[key];
      if (v.cause !== undefined) fields['cause'] = v.cause;
      return this.enter(v, () => this.plain(fields, depth));
    }
    if (v instanceof RegExp) {
      this.convert('RegExp', 'its source');
      return this.value(String(v), depth);
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) return this.value(v.valueOf(), depth);
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(v); // a throw becomes "[Unserializable: …]" in `compound`
      return this.enter(v, () => this.value(json, depth));
    }
    return this.enter(v, () => this.plain(v as Record<string, unknown>, depth, true));
  }

  private binary(v: ArrayBufferView | ArrayBuffer, depth: number): JsonValue {
    if (v instanceof ArrayBuffer || v instanceof Uint8Array || v instanceof DataView) {
      this.convert('binary buffer', 'a base64 string');
      this.reserve(4 * Math.ceil(v.byteLength / 3) + 2);
      const view = v instanceof ArrayBuffer ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return this.value(view.toString('base64'), depth) as string;
    }
    this.convert('typed array', 'an array of numbers');
    this.reserve(2 * (v as unknown as ArrayLike<unknown>).length + 1);
    const items = Array.from(v as unknown as ArrayLike<number | bigint>, (n) => (typeof n === 'bigint' ? n.toString() : n));
    return this.array(items, depth);
  }
}
