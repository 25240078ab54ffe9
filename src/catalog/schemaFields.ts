import type { JsonSchema } from './fromSchema.js';

/** One documented field of an event's data, as listed in the generated docs. */
export interface FieldDoc {
  /** Dotted path inside `data`; array elements are `[]` (`items[].sku`). */
  readonly path: string;
  /** A readable type: `string`, `integer`, `string (email)`, `"a" | "b"`, `object[]`, … */
  readonly type: string;
  readonly required: boolean;
  /** From the definition's `fields`, else the schema's `description`; may be empty. */
  readonly description: string;
}

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A readable type for one schema node. */
export function describeType(schema: JsonSchema): string {
  if ('const' in schema) return JSON.stringify(schema['const']);
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => JSON.stringify(v)).join(' | ');
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options)) return options.filter(isSchema).map(describeType).join(' | ');
  }
  const types = Array.isArray(schema['type']) ? (schema['type'] as unknown[]) : schema['type'] === undefined ? [] : [schema['type']];
  let text = types
    .map((type) => (type === 'array' && isSchema(schema['items']) ? `${describeType(schema['items'])}[]` : String(type)))
    .join(' | ');
  if (text === '') text = isSchema(schema['properties']) ? 'object' : 'any';
  if (typeof schema['format'] === 'string') text += ` (${schema['format']})`;
  if (schema['nullable'] === true) text += ' | null';
  return text;
}

/**
 * Lists the fields of an object schema, depth first: nested objects as
 * `a.b`, objects inside arrays as `a[].b`. Only `properties` are walked;
 * `$ref`s and combinators are shown as a type, not expanded.
 */
export function schemaFields(schema: JsonSchema, docs: Readonly<Record<string, string>> = {}): FieldDoc[] {
  const out: FieldDoc[] = [];
  const walk = (node: JsonSchema, prefix: string): void => {
    const properties = node['properties'];
    if (!isSchema(properties)) return;
    const required = new Set(Array.isArray(node['required']) ? (node['required'] as unknown[]) : []);
    for (const [key, child] of Object.entries(properties)) {
      if (!isSchema(child)) continue;
      const path = prefix + key;
      const own = typeof child['description'] === 'string' ? child['description'] : '';
      // Own properties only: a field named `constructor` or `__proto__` must not read Object.prototype.
      const doc = Object.hasOwn(docs, path) ? docs[path] : undefined;
      out.push({ path, type: describeType(child), required: required.has(key), description: typeof doc === 'string' ? doc : own });
      walk(child, `${path}.`);
      if (isSchema(child['items'])) walk(child['items'], `${path}[].`);
    }
  };
  walk(schema, '');
  return out;
}
