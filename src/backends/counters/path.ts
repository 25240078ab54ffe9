import { ConfigurationError } from '../../errors.js';
import type { JsonValue, TrackedEvent } from '../../event/TrackedEvent.js';

/**
 * A dotted path into an event's `context` or `data`, as written in a counter
 * rule: `'context.user_id'`, `'data.amount'`, `'data.items.0.price'`.
 *
 * - The first segment says where to look: `context` or `data`.
 * - Each further segment is an own property name of the object reached so
 *   far, or an index of an array (`0`, `1`, …) or its `length` (so
 *   `value: 'data.items.length'` adds the number of items). Inherited
 *   properties (`constructor`, `toString`, …) are never read.
 * - A key that itself contains a dot cannot be addressed.
 */
export interface EventPath {
  /** The path as written, e.g. `'context.user_id'`. */
  readonly source: string;
  readonly root: 'context' | 'data';
  readonly keys: readonly string[];
}

/**
 * Parses a path once, when the rule is compiled.
 * @param option - the option named by the error, e.g. `rules[0].entity`.
 * @throws ConfigurationError when the path does not start with `context.` or
 *   `data.` or has an empty segment.
 */
export function compilePath(option: string, path: unknown): EventPath {
  if (typeof path !== 'string') throw new ConfigurationError(option, `expected a path such as 'context.user_id' or 'data.amount', got ${typeof path}`);
  const [root, ...keys] = path.split('.');
  if ((root !== 'context' && root !== 'data') || keys.length === 0 || keys.some((key) => key === '')) {
    throw new ConfigurationError(option, `expected a dotted path starting with 'context.' or 'data.' (e.g. 'context.user_id'), got ${JSON.stringify(path)}`);
  }
  return { source: path, root, keys };
}

/** The value at `path` in `event`, or `undefined` when any segment is missing. */
export function readPath(event: TrackedEvent, path: EventPath): JsonValue | undefined {
  let value: unknown = event[path.root];
  for (const key of path.keys) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value as JsonValue | undefined;
}
