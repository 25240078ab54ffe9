import { ConfigurationError } from '../errors.js';
import type { JsonObject, JsonValue, TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';
import { getField, parseFieldPath, setIn, withSections, type EventSection, type FieldPath } from './paths.js';

type Sections = { data: Readonly<JsonObject>; context: Readonly<JsonObject> };

/**
 * Moves fields by dotted path: `rename({ 'context.user_id': 'context.username',
 * 'data.url': 'data.page' })`. Paths start with `data.` or `context.`, and a
 * field may move between the two.
 *
 * All renames of one mapping apply at once, reading the original event (so
 * `{ 'data.a': 'data.b', 'data.b': 'data.a' }` swaps); a target that exists is
 * overwritten; a missing source is skipped. Only the objects along the changed
 * paths are copied (each once when every path is a top-level field), and an
 * event with no source field is passed on unchanged.
 *
 * @throws ConfigurationError when the mapping is empty or a path is invalid.
 */
export function rename(mapping: Readonly<Record<string, string>>): Processor {
  const entries = typeof mapping === 'object' && mapping !== null ? Object.entries(mapping) : [];
  if (entries.length === 0) throw new ConfigurationError('mapping', 'rename() needs at least one "from": "to" pair');
  const moves: (readonly [FieldPath, FieldPath])[] = entries.map(([from, to]) => [
    parseFieldPath(from, `mapping["${from}"] (source)`),
    parseFieldPath(to, `mapping["${from}"]`),
  ]);
  const topLevel = moves.every(([from, to]) => from.keys.length === 1 && to.keys.length === 1);

  return (event: TrackedEvent) => {
    // Values found, by move index; most events carry none of the sources.
    let values: (JsonValue | undefined)[] | undefined;
    for (let i = 0; i < moves.length; i++) {
      const value = getField(event, moves[i]![0]);
      if (value !== undefined) (values ??= new Array<JsonValue | undefined>(moves.length))[i] = value;
    }
    if (values === undefined) return undefined;
    const sections = topLevel ? moveTopLevel(event, moves, values) : moveNested(event, moves, values);
    return withSections(event, sections);
  };
}

/** Every path is one key deep: each changed section is rebuilt in one pass. */
function moveTopLevel(event: TrackedEvent, moves: readonly (readonly [FieldPath, FieldPath])[], values: readonly (JsonValue | undefined)[]): Sections {
  const sections: Sections = { data: event.data, context: event.context };
  for (const section of ['data', 'context'] as const) {
    let skip: Set<string> | undefined;
    let added: [string, JsonValue][] | undefined;
    moves.forEach(([from, to], i) => {
      const value = values[i];
      if (value === undefined) return;
      if (from.section === section) (skip ??= new Set()).add(from.keys[0]!);
      if (to.section === section) {
        (skip ??= new Set()).add(to.keys[0]!);
        (added ??= []).push([to.keys[0]!, value]);
      }
    });
    if (skip === undefined) continue;
    const root = event[section];
    const out: JsonObject = {};
    for (const key in root) if (!skip.has(key)) out[key] = root[key]!;
    if (added !== undefined) for (const [key, value] of added) out[key] = value;
    sections[section] = out;
  }
  return sections;
}

/** The general case: remove every source, then write every target, copying along each path. */
function moveNested(event: TrackedEvent, moves: readonly (readonly [FieldPath, FieldPath])[], values: readonly (JsonValue | undefined)[]): Sections {
  const sections: Record<EventSection, JsonObject> = { data: event.data, context: event.context };
  moves.forEach(([from], i) => {
    if (values[i] !== undefined) sections[from.section] = setIn(sections[from.section], from.keys, undefined);
  });
  moves.forEach(([, to], i) => {
    const value = values[i];
    if (value !== undefined) sections[to.section] = setIn(sections[to.section], to.keys, value);
  });
  return sections;
}
