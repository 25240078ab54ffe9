import type { JsonValue, TrackedEvent } from '../../event/TrackedEvent.js';
import { getIn, parseFieldPath } from '../../processors/paths.js';

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
 *   `data.` or has an empty segment (parsed as every path is: `parseFieldPath`).
 */
export function compilePath(option: string, path: unknown): EventPath {
  const { section, keys } = parseFieldPath(path, option);
  return { source: path as string, root: section, keys };
}

/** The value at `path` in `event`, or `undefined` when any segment is missing (read as every path is: `getIn`). */
export function readPath(event: TrackedEvent, path: EventPath): JsonValue | undefined {
  return getIn(event[path.root], path.keys);
}
