import type { JsonObject } from '../event/TrackedEvent.js';
import type { CatalogEntry } from './CatalogEntry.js';

/** Options of `catalog.toJSONSchema()`. */
export interface JSONSchemaOptions {
  /** The document's `title`. Default: `'Event catalog'`. */
  title?: string;
}

/** Defaults of {@link JSONSchemaOptions}. */
export const DEFAULT_JSON_SCHEMA_OPTIONS: Readonly<Required<JSONSchemaOptions>> = Object.freeze({ title: 'Event catalog' });

/** The base URI given to each event's schema inside the document, so that its own local `$ref`s still resolve. */
export const EVENT_SCHEMA_ID_PREFIX = 'eventtrack:event/';

/**
 * Renders the catalog as one JSON Schema (draft-07) document that validates an
 * event as delivered to backends (the JSON form of a `TrackedEvent`): the
 * envelope fields, then `oneOf` one branch per defined event, matching `name`
 * by `const` and `data` by a `$ref` to the event's schema under `definitions`.
 *
 * Each branch carries the event's `description`, its version in `$comment`
 * and `deprecated`; each embedded schema gets an `$id` (unless it has one) so
 * that its own `#/…` references keep working.
 */
export function renderJSONSchema(entries: readonly CatalogEntry[], options: JSONSchemaOptions = {}): JsonObject {
  const { title } = { ...DEFAULT_JSON_SCHEMA_OPTIONS, ...options };
  const definitions: JsonObject = {};
  const branches: JsonObject[] = [];
  for (const entry of entries) {
    const { $schema: _dialect, ...schema } = structuredClone(entry.schema) as JsonObject;
    const id = typeof schema['$id'] === 'string' ? schema['$id'] : `${EVENT_SCHEMA_ID_PREFIX}${entry.name}`;
    definitions[entry.name] = { ...schema, $id: id };
    const branch: JsonObject = {
      title: entry.name,
      description: entry.description,
      $comment: `version ${entry.version}`,
      properties: { name: { const: entry.name }, data: { $ref: id } },
    };
    if (entry.deprecated !== false) {
      branch['deprecated'] = true;
      if (typeof entry.deprecated === 'string') branch['$comment'] = `version ${entry.version}; deprecated: ${entry.deprecated}`;
    }
    branches.push(branch);
  }
  const document: JsonObject = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    description: 'An event as eventtrack delivers it to backends (JSON form), one branch per defined event.',
    type: 'object',
    required: ['id', 'name', 'timestamp', 'context', 'data'],
    properties: {
      id: { type: 'string', description: 'UUID v7 of the event.' },
      name: { type: 'string' },
      timestamp: { type: 'string', format: 'date-time', description: 'When the event was emitted (ISO-8601, UTC).' },
      context: { type: 'object', description: 'The merged context active when the event was emitted.' },
      data: { type: 'object' },
    },
  };
  // `oneOf` must not be empty: a catalog without events documents the envelope only.
  if (branches.length > 0) document['oneOf'] = branches;
  document['definitions'] = definitions;
  return document;
}
