// Type tests, checked by `tsc --noEmit` (npm run typecheck), never run: every
// `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
import type { JSONSchemaType } from 'ajv';
import { EventCatalog } from '../../src/catalog/EventCatalog.js';
import type {
  DataOf,
  EmitArgs,
  EventDefinition,
  EventMap,
  FromSchema,
  JsonSchema,
  NoEvents,
  SchemaEventDefinition,
  WithEvent,
} from '../../src/catalog/types.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(): T => true as T;

/** The signatures the Tracker needs, as a stand-in until it is generic. */
interface TypedTracker<E extends EventMap = NoEvents> {
  define<N extends string, T>(name: N, definition: EventDefinition<T>): TypedTracker<WithEvent<E, N, T>>;
  define<N extends string, const S extends JsonSchema>(name: N, definition: SchemaEventDefinition<S>): TypedTracker<WithEvent<E, N, FromSchema<S>>>;
  emit<N extends string>(name: N, ...args: EmitArgs<E, N, { timestamp?: Date }>): void;
}
declare const untyped: TypedTracker;

// ── inferred from an inline schema
const tracker = untyped
  .define('address.create', {
    description: 'An address was created.',
    version: 1,
    schema: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        address: {
          type: 'object',
          properties: { postal_code: { type: 'string' }, country: { type: 'string' } },
          required: ['country'],
        },
        tags: { type: 'array', items: { type: 'string' } },
        kind: { enum: ['home', 'work'] },
        note: { type: 'string', nullable: true },
        count: { type: ['integer', 'null'] },
      },
      required: ['name'],
    },
  })
  // ── given as T, with the schema checked against T by Ajv's JSONSchemaType
  .define('navigation.request', {
    description: 'A page was requested.',
    version: 1,
    schema: schemaOf<{ url: string; referrer?: string }>({
      type: 'object',
      properties: { url: { type: 'string' }, referrer: { type: 'string', nullable: true } },
      required: ['url'],
    }),
  })
  .define('open.bag', {
    description: 'Anything goes beside id.',
    version: 1,
    schema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: true },
  });

function schemaOf<T>(schema: JSONSchemaType<T>): JSONSchemaType<T> {
  return schema;
}

type Events = typeof tracker extends TypedTracker<infer E> ? E : never;
expectType<
  Equal<
    Events['address.create'],
    {
      name: string;
      address?: { country: string; postal_code?: string };
      tags?: string[];
      kind?: 'home' | 'work';
      note?: string | null;
      count?: number | null;
    }
  >
>();
expectType<Equal<Events['navigation.request'], { url: string; referrer?: string }>>();
expectType<Equal<DataOf<Events, 'navigation.request'>, { url: string; referrer?: string }>>();
expectType<Equal<DataOf<Events, 'not.defined'>, unknown>>();

// Right payloads compile.
tracker.emit('address.create', { name: 'home', address: { country: 'NL' }, kind: 'work', note: null });
tracker.emit('navigation.request', { url: '/a' }, { timestamp: new Date() });
tracker.emit('open.bag', { id: 1, anything: 'else' });
// Names that are not defined take any object, or nothing.
tracker.emit('some.other.event', { whatever: [1, 2] });
tracker.emit('some.other.event');
const dynamicName: string = 'x';
tracker.emit(dynamicName, { a: 1 });

// Wrong payloads do not.
// @ts-expect-error name must be a string
tracker.emit('address.create', { name: 1 });
// @ts-expect-error name is required
tracker.emit('address.create', { address: { country: 'NL' } });
// @ts-expect-error nested required field missing
tracker.emit('address.create', { name: 'x', address: { postal_code: '1' } });
// @ts-expect-error not one of the enum values
tracker.emit('address.create', { name: 'x', kind: 'school' });
// @ts-expect-error a misspelt field (no additionalProperties)
tracker.emit('address.create', { name: 'x', adress: {} });
// @ts-expect-error array of the wrong element type
tracker.emit('address.create', { name: 'x', tags: [1] });
// @ts-expect-error data is required for a defined event
tracker.emit('navigation.request');
// @ts-expect-error url must be a string
tracker.emit('navigation.request', { url: 42 });
// @ts-expect-error id must be a number even when extra fields are allowed
tracker.emit('open.bag', { id: '1' });
// Interface-typed values (no index signature) are accepted for undefined names.
interface Visit {
  path: string;
}
declare const visit: Visit;
tracker.emit('some.other.event', visit);

// A schema that does not describe T fails to compile.
untyped.define('bad', {
  description: 'd',
  version: 1,
  // @ts-expect-error url is a string in T, a number in the schema
  schema: schemaOf<{ url: string }>({ type: 'object', properties: { url: { type: 'number' } }, required: ['url'] }),
});
// @ts-expect-error description is required
untyped.define('no.description', { version: 1, schema: { type: 'object' } });

// ── the same through EventCatalog itself
const _catalog = new EventCatalog().define('x.y', {
  description: 'd',
  version: 1,
  schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
});
type CatalogEvents = typeof _catalog extends EventCatalog<infer E> ? E : never;
expectType<Equal<CatalogEvents, { 'x.y': { n: number } }>>();

// A typed definition object, declared once and reused.
const signup: EventDefinition<{ plan: 'free' | 'pro' }> = {
  description: 'A user signed up.',
  version: 1,
  schema: { type: 'object', properties: { plan: { type: 'string', enum: ['free', 'pro'] } }, required: ['plan'] },
};
const withSignup = untyped.define('user.signup', signup);
withSignup.emit('user.signup', { plan: 'pro' });
// @ts-expect-error not a plan
withSignup.emit('user.signup', { plan: 'enterprise' });
