import type { JSONSchemaType } from 'ajv';
import type { FromSchema, JsonSchema } from './fromSchema.js';

/**
 * Event name → type of its `data`. A tracker or catalog that knows its events
 * carries one (`EventCatalog<{ 'address.create': { name: string } }>`); the
 * default, {@link NoEvents}, knows none, and every name is accepted with any data.
 */
export type EventMap = { [name: string]: object };

/** The event map of a tracker or catalog that defines no events: every name is untyped. */
export type NoEvents = Record<never, never>;

/** The data type of event `N`: its defined type, or any object when `N` is not defined. */
export type DataOf<E extends EventMap, N extends string> = N extends keyof E ? E[N] : UntypedEventData;

/**
 * What `emit` accepts as `data` for a name that is not in the event map:
 * anything, as at run time (a non-object is wrapped as `{ value }` and counted
 * as a conversion). Kept `unknown` so that values typed by interfaces, which
 * have no index signature, are accepted.
 */
export type UntypedEventData = unknown;

/**
 * The arguments of `emit(name, ...args)` after the name: for a defined name
 * `data` is required and typed; for any other name it is optional and untyped.
 *
 * @typeParam O - the emit options type (the tracker's `{ timestamp? }`).
 */
export type EmitArgs<E extends EventMap, N extends string, O> = N extends keyof E
  ? [data: E[N], options?: O]
  : [data?: UntypedEventData, options?: O];

/** The documentation and metadata of an event, everything but its schema. */
export interface EventMetadata {
  /** What the event means and when it is emitted (Markdown). Required. */
  description: string;
  /** Version of the payload; bump it when `data` changes incompatibly. Required: an integer ≥ 1. */
  version: number;
  /**
   * Documentation per field of `data`, by dotted path (`address.country`);
   * used in the generated docs next to the schema's own `description`s.
   * Default: none.
   */
  fields?: Readonly<Record<string, string>>;
  /** Marks the event as deprecated; a string says what to emit instead. Default: `false`. */
  deprecated?: boolean | string;
}

/**
 * An event definition whose payload type is given as `T`; Ajv's
 * `JSONSchemaType<T>` checks at compile time that the schema describes `T`:
 *
 * ```ts
 * const schema: JSONSchemaType<{ url: string }> = { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] };
 * tracker.define('navigation.request', { description: '…', version: 1, schema });
 * ```
 */
export interface EventDefinition<T> extends EventMetadata {
  /** JSON Schema (draft-07, as Ajv reads it) of `data`. Required. */
  schema: JSONSchemaType<T>;
}

/**
 * An event definition whose payload type is inferred from an inline schema
 * (see {@link FromSchema}):
 *
 * ```ts
 * tracker.define('address.create', { description: '…', version: 1,
 *   schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } });
 * ```
 */
export interface SchemaEventDefinition<S extends JsonSchema> extends EventMetadata {
  /** JSON Schema (draft-07, as Ajv reads it) of `data`. Required. */
  schema: S;
}

/** Any definition, as the catalog stores it at run time. */
export interface AnyEventDefinition extends EventMetadata {
  schema: JsonSchema;
}

/**
 * The event map after defining `N` with payload `T`. Use it for the return type
 * of `define`: `Tracker<WithEvent<E, N, T>>`.
 */
export type WithEvent<E extends EventMap, N extends string, T> = {
  [K in keyof E | N]: K extends N ? (T extends object ? T : never) : E[K & keyof E];
};

export type { FromSchema, JsonSchema };
