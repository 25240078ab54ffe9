import type { JsonSchema } from './fromSchema.js';

/** A defined event, as the catalog keeps it (frozen; the schema is the catalog's own copy). */
export interface CatalogEntry {
  readonly name: string;
  readonly description: string;
  readonly version: number;
  /** The JSON Schema of `data`. */
  readonly schema: JsonSchema;
  /** Field documentation by dotted path; empty when none was given. */
  readonly fields: Readonly<Record<string, string>>;
  /** `false`, `true`, or what to emit instead. */
  readonly deprecated: boolean | string;
}
