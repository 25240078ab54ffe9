import { ConfigurationError } from '../errors.js';
import type { CatalogEntry } from './CatalogEntry.js';
import type { AnyEventDefinition } from './types.js';

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

/**
 * Validates a definition once, at `define` time, and returns the catalog's own
 * frozen copy of it.
 *
 * @param taken - whether the name is already defined.
 * @throws ConfigurationError naming the field at fault.
 */
export function toCatalogEntry(name: string, definition: AnyEventDefinition, taken: boolean): CatalogEntry {
  if (typeof name !== 'string' || name === '') throw new ConfigurationError('name', 'expected a non-empty event name');
  if (taken) throw new ConfigurationError('name', `event "${name}" is already defined (one definition per name; bump its version instead)`);
  if (typeof definition !== 'object' || definition === null) {
    throw new ConfigurationError('definition', `event "${name}": expected { description, version, schema }`);
  }
  const { description, version, schema, fields = {}, deprecated = false } = definition;
  if (typeof description !== 'string' || description.trim() === '') {
    throw new ConfigurationError('description', `event "${name}": expected a non-empty description`);
  }
  if (!Number.isInteger(version) || version < 1) throw new ConfigurationError('version', `event "${name}": expected an integer ≥ 1`);
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new ConfigurationError('schema', `event "${name}": expected a JSON Schema object`);
  }
  if (schema['type'] !== undefined && schema['type'] !== 'object') {
    throw new ConfigurationError('schema', `event "${name}": data is an object, so the schema's type must be "object"`);
  }
  if (typeof fields !== 'object' || fields === null || Object.values(fields).some((doc) => typeof doc !== 'string')) {
    throw new ConfigurationError('fields', `event "${name}": expected { "field.path": "description" }`);
  }
  if (typeof deprecated !== 'boolean' && typeof deprecated !== 'string') {
    throw new ConfigurationError('deprecated', `event "${name}": expected a boolean or what to emit instead`);
  }
  // The catalog's own frozen copy: later changes to the caller's objects cannot make docs and validator disagree.
  return deepFreeze({ name, description, version, schema: structuredClone(schema), fields: { ...fields }, deprecated });
}
