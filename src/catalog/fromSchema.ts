/**
 * Type-level inference of a payload type from a JSON Schema written inline (or
 * `as const`), so that `tracker.define(name, { schema })` types `emit(name, data)`
 * without a separate TypeScript interface.
 *
 * Covered: `type` (one or a list: string, number, integer, boolean, null,
 * object, array), `properties` with `required`, `additionalProperties`
 * (`true` or a schema adds an index signature; absent or `false` types only the
 * declared properties, so a misspelt field fails to compile), `items`, `enum`,
 * `const`, `anyOf`/`oneOf`, and Ajv's `nullable`. Anything else infers
 * `unknown` for that value (still accepted at compile time, checked at run time).
 */

/** What {@link FromSchema} accepts: any JSON Schema object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type TypeOfName<Name> = Name extends 'string'
  ? string
  : Name extends 'number' | 'integer'
    ? number
    : Name extends 'boolean'
      ? boolean
      : Name extends 'null'
        ? null
        : Name extends 'array'
          ? unknown[]
          : Name extends 'object'
            ? { [key: string]: unknown }
            : never;

type RequiredKeys<S> = S extends { readonly required: readonly (infer K)[] } ? K : never;

type Extra<S> = S extends { readonly additionalProperties: true | JsonSchema } ? { [key: string]: unknown } : unknown;

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: FromSchema<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: FromSchema<P[K]>;
      } & Extra<S>
    >
  : { [key: string]: unknown };

/** {@link FromSchema} without Ajv's `nullable`. */
type NonNullFromSchema<S> = S extends { readonly const: infer C }
  ? C
  : S extends { readonly enum: readonly (infer V)[] }
    ? V
    : S extends { readonly anyOf: readonly (infer A)[] }
      ? FromSchema<A>
      : S extends { readonly oneOf: readonly (infer A)[] }
        ? FromSchema<A>
        : S extends { readonly type: 'object' }
          ? ObjectOf<S>
          : S extends { readonly type: 'array'; readonly items: infer I }
            ? I extends readonly unknown[]
              ? unknown[]
              : FromSchema<I>[]
            : S extends { readonly type: infer Name }
              ? Name extends readonly (infer Each)[]
                ? TypeOfName<Each>
                : TypeOfName<Name>
              : S extends { readonly properties: unknown }
                ? ObjectOf<S>
                : unknown;

/** The TypeScript type of values valid against schema `S` (see the module description for what is covered). */
export type FromSchema<S> = S extends { readonly nullable: true } ? NonNullFromSchema<S> | null : NonNullFromSchema<S>;
