import { ConfigurationError } from '../errors.js';
import type { JsonValue, TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';
import { hash32 } from './hash.js';
import { getField, parseFieldPath } from './paths.js';

/** What a sampling key is read from. */
export type SampleKey = 'id' | 'name' | `data.${string}` | `context.${string}` | ((event: TrackedEvent) => JsonValue | undefined);

/** Options of {@link sample}. */
export interface SampleOptions {
  /**
   * Makes the decision deterministic: events with the same key value are all
   * kept or all dropped (e.g. `'context.user_id'` keeps whole user journeys;
   * `'id'` makes every route that samples at the same rate keep the same events).
   * A dotted path into `data`/`context`, `'id'`, `'name'`, or a function.
   * Default: none — each event is drawn at random.
   */
  key?: SampleKey;
  /** With `key`: what happens to an event whose key is missing or `null`. Default: `'random'`. */
  whenMissing?: 'random' | 'keep' | 'drop';
  /**
   * Mixed into the hash so that two samplers on the same key choose
   * independent subsets. Default: `''` (samplers at the same rate agree).
   */
  salt?: string;
  /** Source of randomness in `[0, 1)`. Default: `Math.random`. */
  random?: () => number;
}

/** Defaults of {@link SampleOptions}. */
export const DEFAULT_SAMPLE_OPTIONS = Object.freeze({
  whenMissing: 'random' as 'random' | 'keep' | 'drop',
  salt: '',
  random: Math.random,
});

const TWO_POW_32 = 4294967296;

function keyText(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function compileKey(key: SampleKey): (event: TrackedEvent) => JsonValue | undefined {
  if (typeof key === 'function') return key;
  if (key === 'id') return (event) => event.id;
  if (key === 'name') return (event) => event.name;
  const path = parseFieldPath(key, 'key');
  return (event) => getField(event, path);
}

/**
 * Keeps a fraction `rate` (0…1) of events and drops the others.
 *
 * Without `key` each event is drawn at random. With `key` the decision is a
 * hash of the key's value, so it is stable across events, processes and
 * restarts: `sample(0.1, { key: 'context.user_id' })` keeps every event of 10 %
 * of the users.
 *
 * @throws ConfigurationError when `rate` is not a number in [0, 1] or an option is invalid.
 */
export function sample(rate: number, options: SampleOptions = {}): Processor {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new ConfigurationError('rate', `expected a number from 0 to 1, got ${String(rate)}`);
  }
  const { whenMissing, salt, random } = { ...DEFAULT_SAMPLE_OPTIONS, ...options };
  if (!['random', 'keep', 'drop'].includes(whenMissing)) {
    throw new ConfigurationError('whenMissing', `expected 'random', 'keep' or 'drop', got ${String(whenMissing)}`);
  }
  if (typeof salt !== 'string') throw new ConfigurationError('salt', 'expected a string');
  if (typeof random !== 'function') throw new ConfigurationError('random', 'expected a function returning [0, 1)');
  if (rate === 1) return () => undefined;

  const drawn = (): null | undefined => (random() < rate ? undefined : null);
  if (options.key === undefined) return drawn;

  const read = compileKey(options.key);
  const threshold = rate * TWO_POW_32;
  const missing = whenMissing === 'random' ? drawn : whenMissing === 'keep' ? () => undefined : () => null;
  return (event) => {
    const value = read(event);
    if (value === undefined || value === null) return missing();
    return hash32(salt + keyText(value)) < threshold ? undefined : null;
  };
}
