import { ConfigurationError } from '../errors.js';
import type { JsonObject, JsonValue, TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';
import { getField, parseFieldPath, setIn, withSections, type FieldPath } from './paths.js';

/**
 * Moves fields by dotted path: `rename({ 'context.user_id': 'context.username',
 * 'data.url': 'data.page' })`. Paths start with `data.` or `context.`, and a
 * field may move between the two.
 *
 * All renames of one mapping apply at once, reading the original event (so
 * `{ 'data.a': 'data.b', 'data.b': 'data.a' }` swaps); a target that exists is
 * overwritten; a missing source is skipped. Only the objects along the changed
 * paths are copied, and an event with no source field is passed on unchanged.
 *
 * @throws ConfigurationError when the mapping is empty or a path is invalid.
 */
export function rename(mapping: Readonly<Record<string, string>>): Processor {
  const entries = typeof mapping === 'object' && mapping !== null ? Object.entries(mapping) : [];
  if (entries.length === 0) throw new ConfigurationError('mapping', 'rename() needs at least one "from": "to" pair');
  const moves: [FieldPath, FieldPath][] = entries.map(([from, to]) => [
    parseFieldPath(from, `mapping["${from}"] (source)`),
    parseFieldPath(to, `mapping["${from}"]`),
  ]);

  return (event: TrackedEvent) => {
    let found: [FieldPath, JsonValue][] | undefined;
    for (const [from, to] of moves) {
      const value = getField(event, from);
      if (value !== undefined) (found ??= []).push([from, value], [to, value]);
    }
    if (found === undefined) return undefined;
    const sections: { data: JsonObject; context: JsonObject } = { data: event.data, context: event.context };
    // Even entries are sources (removed first), odd entries are targets (written after every removal).
    for (let i = 0; i < found.length; i += 2) {
      const { section, keys } = found[i]![0];
      sections[section] = setIn(sections[section], keys, undefined);
    }
    for (let i = 1; i < found.length; i += 2) {
      const [{ section, keys }, value] = found[i]!;
      sections[section] = setIn(sections[section], keys, value);
    }
    return withSections(event, sections);
  };
}
