import { freezableCopy } from '../event/normalize.js';
import type { JsonObject, JsonValue } from '../event/TrackedEvent.js';

/**
 * One entered context. Frames are immutable and form a chain to the outermost
 * one; `merged` is computed once, when the frame is entered, so `emit` only
 * reads it.
 */
export interface ContextFrame {
  readonly name: string;
  /** The normalised context this frame added. */
  readonly own: Readonly<JsonObject>;
  /** Every frame of the chain merged, outermost first, inner winning; deeply frozen. */
  readonly merged: Readonly<JsonObject>;
  /** JSON size of `own`. */
  readonly ownSize: number;
  /**
   * JSON size of `merged`, counted towards the event size limit: the sum of
   * the frames' own sizes, an upper bound (a key an inner frame overrides is
   * counted for both) that costs nothing to keep.
   */
  readonly size: number;
  readonly parent: ContextFrame | undefined;
}

/** The merged context outside any frame. */
export const EMPTY_CONTEXT: Readonly<JsonObject> = Object.freeze({});

function isPlainObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // Children first: a for-in over an object not yet frozen stays on V8's fast path.
  for (const key in value) {
    const item = (value as JsonObject)[key]!;
    if (typeof item === 'object' && item !== null) deepFreeze(item);
  }
  return Object.freeze(value);
}

/**
 * Merges `top` over `base`: plain objects merge key by key at any depth, any
 * other value of `top` (arrays included) replaces the one in `base`. Subtrees
 * `top` does not touch are shared with `base`, not copied.
 */
export function mergeContext(base: Readonly<JsonObject>, top: Readonly<JsonObject>): Readonly<JsonObject> {
  const out: JsonObject = freezableCopy(base);
  for (const key of Object.keys(top)) {
    const next = top[key]!;
    const prev = Object.hasOwn(out, key) ? out[key] : undefined;
    const value = isPlainObject(prev) && isPlainObject(next) ? (mergeContext(prev, next) as JsonObject) : deepFreeze(next);
    // An own `__proto__` key is data: assigning it would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return Object.freeze(out);
}

/** A new frame named `name` adding `own` (of JSON size `ownSize`) on top of `parent`. */
export function createFrame(name: string, own: JsonObject, ownSize: number, parent: ContextFrame | undefined): ContextFrame {
  deepFreeze(own);
  // The outermost frame's merged context is its own (a fresh copy made by normalisation).
  const outermost = parent === undefined || parent.merged === EMPTY_CONTEXT;
  const merged = outermost ? own : mergeContext(parent.merged, own);
  const size = outermost ? ownSize : parent.size + ownSize;
  // The frame object itself is internal and typed readonly; freezing it would cost every request.
  return { name, own, ownSize, merged, size, parent };
}
