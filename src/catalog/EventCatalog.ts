import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { ConfigurationError, ValidationError } from '../errors.js';
import type { JsonObject } from '../event/TrackedEvent.js';
import type { CatalogEntry } from './CatalogEntry.js';
import {
  ALLOWED_UNDEFINED_VERDICT,
  DEFAULT_CATALOG_POLICY,
  isCatalogPolicy,
  VALID_VERDICT,
  type CatalogPolicy,
  type CatalogPolicyOptions,
  type CatalogVerdict,
  type SchemaIssue,
} from './CatalogPolicy.js';
import type { FromSchema, JsonSchema } from './fromSchema.js';
import { createAjv } from './loadAjv.js';
import { renderJSONSchema, type JSONSchemaOptions } from './toJSONSchema.js';
import { renderMarkdown, type MarkdownOptions } from './toMarkdown.js';
import { toCatalogEntry } from './toCatalogEntry.js';
import type { AnyEventDefinition, EventDefinition, EventMap, NoEvents, SchemaEventDefinition, WithEvent } from './types.js';

/** Options of {@link EventCatalog}. */
export interface EventCatalogOptions extends CatalogPolicyOptions {
  /** Check `format`s (`date-time`, `email`, `uri`, `uuid`, …) with ajv-formats; `false` makes `format` an annotation. Default: `true`. */
  formats?: boolean;
  /**
   * Compile schemas with this Ajv instance instead (custom keywords or
   * formats). It must not coerce, default or remove data: events are frozen.
   * Default: a catalog-owned Ajv (see `CATALOG_AJV_OPTIONS`).
   */
  ajv?: Ajv;
}

/** Defaults of {@link EventCatalogOptions}. */
export const DEFAULT_EVENT_CATALOG_OPTIONS = Object.freeze({ ...DEFAULT_CATALOG_POLICY, formats: true });

interface Compiled {
  readonly entry: CatalogEntry;
  readonly validate: ValidateFunction;
}

/** `/address/country` → `data.address.country`. */
const issuePath = (instancePath: string): string =>
  instancePath === '' ? 'data' : `data${instancePath.split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.')}`;

function toIssues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((error) => {
    const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
    const base = issuePath(error.instancePath);
    // A missing property is reported at its own path ("data.address is required"), not at its parent's.
    if (missing !== undefined) return { path: `${base}.${missing}`, message: 'is required' };
    return { path: base, message: error.message ?? error.keyword };
  });
}

/**
 * The registry of documented event types: each name with a description, a
 * version and a JSON Schema of its `data`, compiled once to an Ajv validator.
 *
 * `validate(name, data)` gives the tracker its verdict under the configured
 * policies; `toMarkdown()` and `toJSONSchema()` write the documentation. The
 * type parameter records the defined events so that a typed tracker can check
 * `emit(name, data)` at compile time (see {@link EventMap}).
 *
 * @example
 * ```ts
 * const tracker = createTracker({ catalog: new EventCatalog({ undefinedEvents: 'warn', invalidEvents: 'reject' }) })
 *   .define('address.create', {
 *     description: 'A user saved a new postal address.',
 *     version: 1,
 *     schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
 *   });
 * tracker.emit('address.create', { name: 'home' }); // type-checked: { name: string }
 * console.log(tracker.catalog.toMarkdown());
 * ```
 */
export class EventCatalog<E extends EventMap = NoEvents> {
  readonly #entries = new Map<string, Compiled>();
  readonly #policy: Readonly<Required<CatalogPolicyOptions>>;
  readonly #formats: boolean;
  #ajv: Ajv | undefined;

  /** @throws ConfigurationError when a policy or option is invalid. */
  constructor(options: EventCatalogOptions = {}) {
    const resolved = { ...DEFAULT_EVENT_CATALOG_OPTIONS, ...options };
    for (const option of ['undefinedEvents', 'invalidEvents'] as const) {
      if (!isCatalogPolicy(resolved[option])) {
        throw new ConfigurationError(option, `expected 'allow', 'warn' or 'reject', got ${JSON.stringify(resolved[option])}`);
      }
    }
    if (typeof resolved.formats !== 'boolean') throw new ConfigurationError('formats', 'expected a boolean');
    if (options.ajv !== undefined && typeof options.ajv?.compile !== 'function') throw new ConfigurationError('ajv', 'expected an Ajv instance');
    this.#policy = Object.freeze({ undefinedEvents: resolved.undefinedEvents, invalidEvents: resolved.invalidEvents });
    this.#formats = resolved.formats;
    this.#ajv = options.ajv;
  }

  /** The policies in force. */
  get policy(): Readonly<Required<CatalogPolicyOptions>> {
    return this.#policy;
  }

  /** How many events are defined. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Defines an event. The payload type comes from `T` (the schema is checked
   * against it by Ajv's `JSONSchemaType<T>`) or is inferred from an inline
   * schema; the returned catalog (this one, re-typed) knows the event.
   *
   * @throws ConfigurationError when the name is taken or empty, the metadata is invalid, or Ajv cannot compile the schema.
   */
  define<N extends string, T>(name: N, definition: EventDefinition<T>): EventCatalog<WithEvent<E, N, T>>;
  define<N extends string, const S extends JsonSchema>(name: N, definition: SchemaEventDefinition<S>): EventCatalog<WithEvent<E, N, FromSchema<S>>>;
  define(name: string, definition: AnyEventDefinition): EventCatalog<EventMap> {
    const entry = toCatalogEntry(name, definition, this.#entries.has(name));
    let validate: ValidateFunction;
    try {
      this.#ajv ??= createAjv(this.#formats);
      validate = this.#ajv.compile(entry.schema);
    } catch (error) {
      throw new ConfigurationError('schema', `event "${name}": ${(error as Error).message}`, { cause: error });
    }
    this.#entries.set(name, { entry, validate });
    return this as EventCatalog<EventMap>;
  }

  /** Whether `name` is defined. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The definition of `name`, or `undefined`. */
  get(name: string): CatalogEntry | undefined {
    return this.#entries.get(name)?.entry;
  }

  /** Every definition, sorted by name. */
  entries(): CatalogEntry[] {
    return [...this.#entries.values()].map((c) => c.entry).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Checks an event against the catalog and applies the policy. Never throws.
   * A valid event (and an undefined one under `allow`) gets a shared verdict,
   * so the common case allocates nothing.
   */
  validate(name: string, data: Readonly<JsonObject> | undefined): CatalogVerdict {
    const compiled = this.#entries.get(name);
    if (compiled === undefined) {
      const action = this.#policy.undefinedEvents;
      if (action === 'allow') return ALLOWED_UNDEFINED_VERDICT;
      const error = new ValidationError(
        'undefined-event',
        `Event "${name}" is not defined in the event catalog; define it with define(${JSON.stringify(name)}, { description, version, schema })`,
      );
      return { status: 'undefined', action, error };
    }
    let valid: boolean;
    try {
      valid = compiled.validate(data ?? {}) as boolean;
    } catch (cause) {
      // A custom keyword of the user's Ajv can throw; the event is then treated as invalid.
      return this.#invalid(compiled.entry, [{ path: 'data', message: (cause as Error).message }], cause);
    }
    return valid ? VALID_VERDICT : this.#invalid(compiled.entry, toIssues(compiled.validate.errors));
  }

  #invalid(entry: CatalogEntry, issues: readonly SchemaIssue[], cause?: unknown): CatalogVerdict {
    const action: CatalogPolicy = this.#policy.invalidEvents;
    if (action === 'allow') return { status: 'invalid', action: 'deliver', issues };
    const listed = issues.slice(0, 3).map((issue) => `${issue.path} ${issue.message}`);
    if (issues.length > 3) listed.push(`and ${issues.length - 3} more`);
    const error = new ValidationError(
      'invalid-event',
      `Event "${entry.name}" (version ${entry.version}) does not match its schema: ${listed.join('; ')}`,
      { ...(issues[0] === undefined ? {} : { path: issues[0].path }), ...(cause === undefined ? {} : { cause }) },
    );
    return { status: 'invalid', action, error, issues };
  }

  /** The documentation of every defined event as Markdown. */
  toMarkdown(options: MarkdownOptions = {}): string {
    return renderMarkdown(this.entries(), options);
  }

  /** One JSON Schema document (draft-07) that validates any defined event as delivered. */
  toJSONSchema(options: JSONSchemaOptions = {}): JsonObject {
    return renderJSONSchema(this.entries(), options);
  }
}
