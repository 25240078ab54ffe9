import { messageOf } from '../delivery/messageOf.js';
import { ValidationError } from '../errors.js';
import type { JsonObject, JsonValue } from './TrackedEvent.js';

/** Depth below which nested values are replaced by `"[Truncated]"`. */
export const MAX_DEPTH = 32;

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
 */
export class Normalizer {
  /** JSON size of the last value normalised. */
  size = 0;
  /** How many values the last call had to convert. */
  conversions = 0;
  private readonly seen: object[] = [];
  private readonly path: string[] = [];
  /** Whether the current call copies objects for freezing (see {@link freezableCopy}). */
  private freezing = false;

  constructor(private readonly strict: boolean) {}

  /**
   * Normalises `input` into a fresh JSON object; non-objects are wrapped as
   * `{ value }`. With `forFreezing`, objects are copied so that freezing the
   * result is cheap (a context frame); without, as fast as possible (data).
   */
  object(input: unknown, forFreezing = false): JsonObject {
    this.freezing = forFreezing;
    this.size = 0;
    this.conversions = 0;
    if (this.path.length !== 0) this.path.length = 0; // a strict error thrown from below leaves its path behind
    if (input === undefined || input === null) {
      this.size = 2;
      return {};
    }
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

  /** The marker for a value that threw when read; strict conversions (a `ValidationError`) go on up. */
  private unreadable(error: unknown, depth: number): JsonValue {
    if (error instanceof ValidationError) throw error;
    this.convert('value that throws when read', '"[Unserializable: …]"');
    return this.value(`[Unserializable: ${messageOf(error)}]`, depth)!;
  }

  private wrap(value: JsonValue | undefined): JsonObject {
    this.size += 10;
    return { value: value ?? null };
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

  private plain(v: Record<string, unknown>, depth: number): JsonObject {
    // Copy natively then fix up in place: three times faster than rebuilding
    // the object key by key. Spread is the fastest copy, unless it is frozen next.
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
        } else if (converted !== item) {
          Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
        }
      }
    }
    this.size += size;
    return out as JsonObject;
  }

  private array(v: readonly unknown[], depth: number): JsonValue[] {
    const out: JsonValue[] = new Array<JsonValue>(v.length);
    this.size += 2 + v.length;
    for (let i = 0; i < v.length; i++) {
      if (this.strict) this.path.push(String(i));
      const item = this.value(v[i], depth + 1);
      if (this.strict) this.path.pop();
      if (item === undefined) this.size += 4;
      out[i] = item ?? null;
    }
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
      const obj: Record<string, unknown> = {};
      for (const [key, item] of v) obj[String(key)] = item;
      return this.enter(v, () => this.plain(obj, depth));
    }
    if (v instanceof Set) {
      this.convert('Set', 'an array');
      return this.enter(v, () => this.array([...v], depth));
    }
    if (v instanceof Error) {
      this.convert('Error', '{ name, message, stack, … }');
      const fields: Record<string, unknown> = { name: v.name, message: v.message, stack: v.stack };
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
    return this.enter(v, () => this.plain(v as Record<string, unknown>, depth));
  }

  private binary(v: ArrayBufferView | ArrayBuffer, depth: number): JsonValue {
    if (v instanceof ArrayBuffer || v instanceof Uint8Array || v instanceof DataView) {
      this.convert('binary buffer', 'a base64 string');
      const view = v instanceof ArrayBuffer ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return this.value(view.toString('base64'), depth) as string;
    }
    this.convert('typed array', 'an array of numbers');
    const items = Array.from(v as unknown as ArrayLike<number | bigint>, (n) => (typeof n === 'bigint' ? n.toString() : n));
    return this.array(items, depth);
  }
}
