import { ConfigurationError } from '../errors.js';
import type { JsonObject, JsonValue } from '../event/TrackedEvent.js';

/** What a masked value is recorded as. */
export const MASKED = '[masked]';

/** Whether a field name is masked. */
export type FieldMask = (name: string) => boolean;

/** Compiles mask rules: names compare case-insensitively, RegExps are tested as given. */
export function compileMask(rules: readonly (string | RegExp)[]): FieldMask {
  if (!Array.isArray(rules)) throw new ConfigurationError('requestEvent.mask', 'must be an array of names or RegExps.');
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const rule of rules) {
    if (typeof rule === 'string') names.add(rule.toLowerCase());
    else if (rule instanceof RegExp) patterns.push(new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')));
    else throw new ConfigurationError('requestEvent.mask', 'entries must be strings or RegExps.');
  }
  if (patterns.length === 0) return (name) => names.has(name.toLowerCase());
  return (name) => names.has(name.toLowerCase()) || patterns.some((pattern) => pattern.test(name));
}

/** A copy of `record` with the values of masked keys replaced by {@link MASKED}. */
export function maskRecord(record: JsonObject, isMasked: FieldMask): JsonObject {
  // fromEntries defines own properties, so a key such as `__proto__` stays a field.
  return Object.fromEntries(Object.keys(record).map((key) => [key, isMasked(key) ? MASKED : (record[key] as JsonValue)]));
}
