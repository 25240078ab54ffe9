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
  /** JSON size of `merged`, counted towards the event size limit. */
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
  const out: JsonObject = { ...base };
  for (const key of Object.keys(top)) {
    const next = top[key]!;
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(next) ? (mergeContext(prev, next) as JsonObject) : deepFreeze(next);
  }
  return Object.freeze(out);
}

/** JSON size of an already JSON-safe value, in UTF-16 code units (escapes not counted). */
export function jsonSize(value: JsonValue): number {
  if (value === null) return 4;
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return String(value).length;
    case 'boolean':
      return value ? 4 : 5;
    default: {
      // Each item or member but the last is followed by a comma.
      if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + jsonSize(item) + 1, value.length === 0 ? 2 : 1);
      const keys = Object.keys(value);
      let size = keys.length === 0 ? 2 : 1;
      for (const key of keys) size += key.length + 4 + jsonSize(value[key]!);
      return size;
    }
  }
}

/** A new frame named `name` adding `own` on top of `parent`. */
export function createFrame(name: string, own: JsonObject, parent: ContextFrame | undefined): ContextFrame {
  deepFreeze(own);
  // The outermost frame's merged context is its own (a fresh copy made by normalisation).
  const merged = parent === undefined || parent.merged === EMPTY_CONTEXT ? own : mergeContext(parent.merged, own);
  return Object.freeze({ name, own, merged, size: jsonSize(merged as JsonObject), parent });
}
