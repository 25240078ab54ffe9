import { ConfigurationError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import { MAX_NAME_LENGTH, nameProblem } from '../../metrics/names.js';
import { compilePath, type EventPath, readPath } from './path.js';
import { slugify } from './slugify.js';

/**
 * Where a rule's slug (or category) comes from:
 *
 * - a plain string: used as is (checked once, at construction);
 * - a template with placeholders in braces: `{name}` is the event name,
 *   `{context.…}` / `{data.…}` a value of the event (a dotted path, array indexes allowed);
 *   e.g. `'{name}'`, `'http.{data.status}'`, `'signup.{context.plan}'`;
 * - a function of the event returning the name, or `undefined`/`null` to
 *   skip this event.
 *
 * What a template or function produces is passed through {@link slugify}
 * (forbidden characters become `_`, overlong names are shortened with a
 * hash), so event data can never make an invalid slug.
 */
export type NameSource = string | ((event: TrackedEvent) => string | undefined | null);

/** Why a name could not be made for an event. */
export interface NameSkip {
  readonly reason: 'missing' | 'wrong-type' | 'error';
  /** The path whose value was missing or not a string, number or boolean. */
  readonly path?: string;
  readonly error?: unknown;
}

type Part = string | EventPath | null; // null = the event name

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** A compiled {@link NameSource}. */
export class NameTemplate {
  /** The name does not depend on the event beyond its name: render it once per event name. */
  readonly perName: boolean;
  private readonly parts: readonly Part[];
  private readonly fn: ((event: TrackedEvent) => string | undefined | null) | undefined;
  /** Why the last `render` that gave `undefined` did so. */
  skip: NameSkip = { reason: 'missing' };

  /** @throws ConfigurationError (naming `option`) for an unknown placeholder, a bad path or an invalid literal name. */
  constructor(option: string, source: NameSource) {
    if (typeof source === 'function') {
      this.fn = source;
      this.parts = [];
      this.perName = false;
      return;
    }
    if (typeof source !== 'string' || source === '') {
      throw new ConfigurationError(option, "expected a name, a template such as '{name}', or a function (event) => string");
    }
    this.fn = undefined;
    const parts: Part[] = [];
    let last = 0;
    for (const match of source.matchAll(PLACEHOLDER)) {
      if (match.index > last) parts.push(source.slice(last, match.index));
      const inner = match[1]!.trim();
      if (inner !== 'name' && !/^(context|data)\.[^.]/.test(inner)) {
        throw new ConfigurationError(option, `${JSON.stringify(source)}: unknown placeholder {${inner}}; use {name}, {context.<path>} or {data.<path>}`);
      }
      parts.push(inner === 'name' ? null : compilePath(option, inner));
      last = match.index + match[0].length;
    }
    if (last < source.length) parts.push(source.slice(last));
    const isLiteral = parts.length === 1 && typeof parts[0] === 'string';
    const literal = parts.filter((p): p is string => typeof p === 'string').join('');
    // A template's literal text only needs to be free of forbidden characters: an overlong result is shortened by slugify.
    const problem = nameProblem(isLiteral ? literal : (literal || 'x').slice(0, MAX_NAME_LENGTH));
    if (problem !== undefined) throw new ConfigurationError(option, `${JSON.stringify(source)}: a metric name ${problem}`);
    this.parts = parts;
    this.perName = parts.every((p) => typeof p === 'string' || p === null);
  }

  /**
   * The name for `event`, or `undefined` when it cannot be made; then
   * {@link NameTemplate.skip} says why (kept aside so that the common path
   * allocates nothing).
   */
  render(event: TrackedEvent): string | undefined {
    if (this.fn !== undefined) return this.call(event);
    const { parts } = this;
    if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if (part === null) out += event.name;
      else {
        const value = readPath(event, part);
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out += String(value);
        else {
          this.skip = { reason: value === undefined || value === null ? 'missing' : 'wrong-type', path: part.source };
          return undefined;
        }
      }
    }
    return slugify(out);
  }

  private call(event: TrackedEvent): string | undefined {
    let name: unknown;
    try {
      name = this.fn!(event);
    } catch (error) {
      this.skip = { reason: 'error', error };
      return undefined;
    }
    if (typeof name === 'string') return slugify(name);
    this.skip = { reason: name === undefined || name === null ? 'missing' : 'wrong-type' };
    return undefined;
  }
}
