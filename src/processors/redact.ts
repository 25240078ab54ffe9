import { ConfigurationError } from '../errors.js';
import type { JsonObject, JsonPrimitive, JsonValue, TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';
import { arrayIndex, parseFieldPath, withSections, without } from './paths.js';

/** Options of {@link redact}. */
export interface RedactOptions {
  /** What a redacted value becomes. Default: `'[REDACTED]'` ({@link DEFAULT_REDACT_OPTIONS}). */
  replacement?: JsonPrimitive;
  /**
   * Delete redacted keys instead of replacing their value (array elements
   * become `null`, so indices stay meaningful). Default: `false`.
   */
  remove?: boolean;
}

/** Defaults of {@link RedactOptions}. */
export const DEFAULT_REDACT_OPTIONS: Readonly<Required<RedactOptions>> = Object.freeze({
  replacement: '[REDACTED]',
  remove: false,
});

/** One level of the compiled path tree. */
interface Node {
  /** A path ends here: the value at this key is redacted whole. */
  leaf: boolean;
  readonly children: Map<string, Node>;
  /** `*`: every key (or array element) at this level. */
  any: Node | undefined;
  /** `**`: this level and every level below it. */
  deep: Node | undefined;
}

const newNode = (): Node => ({ leaf: false, children: new Map(), any: undefined, deep: undefined });

type Container = JsonObject | JsonValue[];

/**
 * Replaces (or removes) fields of `data` and `context` by dotted path before an
 * event reaches a backend: `redact(['data.password', 'context.ip'])`.
 *
 * Path rules: the first segment is `data` or `context`; `*` stands for any one
 * key (or array element), `**` for any number of levels, zero included
 * (`data.**.password` redacts `password` at every depth); a numeric segment
 * indexes an array. Paths are compiled once into a tree, and an event is walked
 * only along it; objects are copied only where something is redacted, and an
 * event with nothing to redact is passed on unchanged (no allocation).
 *
 * @throws ConfigurationError when `paths` is empty or a path does not start with `data.`/`context.`.
 */
export function redact(paths: readonly string[], options: RedactOptions = {}): Processor {
  if (!Array.isArray(paths) || paths.length === 0) {
    throw new ConfigurationError('paths', 'redact() needs at least one path, e.g. ["data.password"]');
  }
  const { replacement, remove } = { ...DEFAULT_REDACT_OPTIONS, ...options };
  if (replacement !== null && !['string', 'number', 'boolean'].includes(typeof replacement)) {
    throw new ConfigurationError('replacement', 'expected a string, number, boolean or null');
  }
  const roots = { data: newNode(), context: newNode() };
  paths.forEach((path, index) => {
    const { section, keys } = parseFieldPath(path, `paths[${index}]`);
    if (keys[keys.length - 1] === '**') {
      throw new ConfigurationError(`paths[${index}]`, `"${path}" must not end with "**" (name what to redact below it)`);
    }
    let node = roots[section];
    for (const key of keys) {
      if (key === '*') node = node.any ??= newNode();
      else if (key === '**') node = node.deep ??= newNode();
      else {
        let child = node.children.get(key);
        if (child === undefined) node.children.set(key, (child = newNode()));
        node = child;
      }
    }
    node.leaf = true;
  });

  /** The new value for a redacted slot; `undefined` deletes an object key. */
  const redacted = (isArray: boolean): JsonValue | undefined => (remove ? (isArray ? null : undefined) : replacement);

  function applyKey(container: Container, copy: Container | undefined, key: string | number, node: Node): Container | undefined {
    const isArray = Array.isArray(container);
    const current = isArray ? container[key as number] : Object.hasOwn(container, key) ? container[key] : undefined;
    if (current === undefined) return copy;
    let next: JsonValue | undefined;
    if (node.leaf) {
      next = redacted(isArray);
      if (next === current) return copy;
    } else {
      next = apply(current, node);
      if (next === current) return copy;
    }
    if (next === undefined) return without((copy ?? container) as JsonObject, new Set([key as string]));
    const out: Container = copy ?? (isArray ? container.slice() : { ...container });
    (out as Record<string | number, JsonValue>)[key] = next;
    return out;
  }

  function apply(value: JsonValue, node: Node): JsonValue {
    const current = node.deep === undefined ? value : applyDeep(value, node.deep);
    if (typeof current !== 'object' || current === null) return current;
    const container: Container = current;
    let copy: Container | undefined;
    for (const [key, child] of node.children) {
      if (!Array.isArray(container)) copy = applyKey(container, copy, key, child);
      else {
        const index = arrayIndex(key); // paths address arrays as getIn reads them
        if (index !== undefined) copy = applyKey(container, copy, index, child);
      }
    }
    if (node.any !== undefined) {
      const keys = Array.isArray(container) ? container.keys() : Object.keys(container);
      for (const key of keys) copy = applyKey(container, copy, key, node.any);
    }
    return copy ?? container;
  }

  function applyDeep(value: JsonValue, node: Node): JsonValue {
    const here = apply(value, node);
    if (typeof here !== 'object' || here === null) return here;
    let copy: Container | undefined;
    const keys = Array.isArray(here) ? here.keys() : Object.keys(here);
    for (const key of keys) {
      const child = (here as Record<string | number, JsonValue>)[key]!;
      if (typeof child !== 'object' || child === null) continue;
      const next = applyDeep(child, node);
      if (next === child) continue;
      copy ??= Array.isArray(here) ? here.slice() : { ...here };
      (copy as Record<string | number, JsonValue>)[key] = next;
    }
    return copy ?? here;
  }

  const hasData = !isEmpty(roots.data);
  const hasContext = !isEmpty(roots.context);
  return (event: TrackedEvent) => {
    const data = hasData ? (apply(event.data, roots.data) as JsonObject) : event.data;
    const context = hasContext ? (apply(event.context, roots.context) as JsonObject) : event.context;
    if (data === event.data && context === event.context) return undefined;
    return withSections(event, { data, context });
  };
}

function isEmpty(node: Node): boolean {
  return !node.leaf && node.children.size === 0 && node.any === undefined && node.deep === undefined;
}
