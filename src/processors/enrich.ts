import { ConfigurationError } from '../errors.js';
import type { JsonObject, TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';
import { withSections } from './paths.js';

/** Fields to add to an event, by section. */
export interface Enrichment {
  readonly data?: JsonObject | undefined;
  readonly context?: JsonObject | undefined;
}

/** Options of {@link enrich}. */
export interface EnrichOptions {
  /**
   * When an added field already exists on the event: `false` keeps the event's
   * value (what was emitted or set in a context is more specific), `true`
   * replaces it. Default: `false`.
   */
  overwrite?: boolean;
}

/** Defaults of {@link EnrichOptions}. */
export const DEFAULT_ENRICH_OPTIONS: Readonly<Required<EnrichOptions>> = Object.freeze({ overwrite: false });

function merge(base: Readonly<JsonObject>, added: JsonObject | undefined, overwrite: boolean): Readonly<JsonObject> {
  if (added === undefined) return base;
  let changed = false;
  for (const key in added) {
    if (overwrite ? base[key] !== added[key] : !Object.hasOwn(base, key)) {
      changed = true;
      break;
    }
  }
  if (!changed) return base;
  return overwrite ? { ...base, ...added } : { ...added, ...base };
}

const clone = (value: JsonObject | undefined): JsonObject | undefined =>
  value === undefined ? undefined : Object.freeze(structuredClone(value));

/**
 * Adds fields to `data` and/or `context` (a shallow merge), from a constant
 * object or a function of the event:
 *
 * ```ts
 * enrich({ context: { service: 'api', region: process.env.REGION } })
 * enrich((e) => ({ data: { name_length: e.name.length } }))
 * ```
 *
 * A function may return `undefined` to add nothing. An event that already has
 * every field is passed on unchanged (no copy).
 *
 * @throws ConfigurationError when `source` is neither an object nor a function.
 */
export function enrich(
  source: Enrichment | ((event: TrackedEvent) => Enrichment | undefined),
  options: EnrichOptions = {},
): Processor {
  const { overwrite } = { ...DEFAULT_ENRICH_OPTIONS, ...options };
  if (typeof source !== 'function' && (typeof source !== 'object' || source === null)) {
    throw new ConfigurationError('source', 'expected { data?, context? } or a function returning it');
  }
  const apply = (event: TrackedEvent, added: Enrichment | undefined): TrackedEvent | undefined => {
    if (added === undefined) return undefined;
    const data = merge(event.data, added.data, overwrite);
    const context = merge(event.context, added.context, overwrite);
    return data === event.data && context === event.context ? undefined : withSections(event, { data, context });
  };
  if (typeof source === 'function') return (event) => apply(event, source(event));
  // A private copy: later changes to the caller's object must not change events already in flight.
  const constant: Enrichment = Object.freeze({ data: clone(source.data), context: clone(source.context) });
  return (event) => apply(event, constant);
}
