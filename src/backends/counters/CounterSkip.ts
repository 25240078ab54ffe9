import type { TrackedEvent } from '../../event/TrackedEvent.js';

/**
 * Why a counter write was not made for an event:
 * - `missing`: a path (or a slug function's result) was absent or `null`;
 * - `wrong-type`: the value there was not usable (an object where a name or
 *   member was needed, a non-number for `value` or `gauge`);
 * - `invalid`: Metrics refused the write (an entity id with `{`, a member over
 *   1024 characters, a timestamp outside 1970–9999, …);
 * - `error`: a slug or category function threw, or Metrics failed unexpectedly;
 * - `closed`: the event arrived after `close()`.
 */
export type CounterSkipReason = 'missing' | 'wrong-type' | 'invalid' | 'error' | 'closed';

/** Which part of a rule could not be recorded; `event` when the whole event was skipped. */
export type CounterOutput = 'event' | 'slug' | 'category' | 'value' | 'count' | 'entity' | 'unique' | 'gauge' | 'timing';

/** One skipped write, as passed to the `onSkip` option. */
export interface CounterSkip {
  readonly event: TrackedEvent;
  /** The rule, as named in the options: `rules[2]` or `defaultRule` (empty for a whole-event skip). */
  readonly rule: string;
  readonly output: CounterOutput;
  readonly reason: CounterSkipReason;
  /** The path involved, e.g. `context.user_id`. */
  readonly path?: string;
  /** The error thrown, for `invalid` and `error`. */
  readonly error?: unknown;
}

/** Counters of {@link CounterBackend.stats}, since construction. */
export interface CounterBackendStats {
  /** Events given to `send`, duplicates included. */
  received: number;
  /** Events skipped because an event with the same id was counted already (a batch sent again). */
  duplicates: number;
  /** Events no rule matched, when there is no default rule. */
  unmatched: number;
  /** Writes handed to Metrics: one per count, entity, unique member and gauge value. */
  writes: number;
  /** Writes not made (an event can skip several: its count, its entity, …). */
  skipped: number;
  /** `skipped` by reason. */
  skipReasons: Partial<Record<CounterSkipReason, number>>;
}
