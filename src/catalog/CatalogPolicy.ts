import type { ValidationError } from '../errors.js';

/**
 * What happens to an event the catalog does not vouch for:
 * - `allow`: delivered, counted, not reported;
 * - `warn`: delivered, counted and reported (the tracker's `error` event);
 * - `reject`: dropped with the verdict's reason, counted and reported.
 */
export type CatalogPolicy = 'allow' | 'warn' | 'reject';

/** The policies `validate` applies; each is separately configurable. */
export interface CatalogPolicyOptions {
  /**
   * For an event whose name was never defined. Default: `'allow'` — a catalog
   * is adopted one event at a time; set `'warn'` or `'reject'` once it is complete.
   */
  undefinedEvents?: CatalogPolicy;
  /** For a defined event whose data does not match its schema. Default: `'warn'`. */
  invalidEvents?: CatalogPolicy;
}

/** Defaults of {@link CatalogPolicyOptions}. */
export const DEFAULT_CATALOG_POLICY: Readonly<Required<CatalogPolicyOptions>> = Object.freeze({
  undefinedEvents: 'allow',
  invalidEvents: 'warn',
});

/** Where the event stands against the catalog; the tracker counts each status. */
export type CatalogStatus = 'valid' | 'undefined' | 'invalid';

/** Why an event was flagged: the {@link ValidationError.reason} and the drop reason in stats. */
export type CatalogReason = 'undefined-event' | 'invalid-event';

/** One schema violation, with the path of the offending value inside the event. */
export interface SchemaIssue {
  /** Dotted path from the event, e.g. `data.address.country` (`data` for the payload itself). */
  readonly path: string;
  /** Ajv's message, e.g. `must be string`. */
  readonly message: string;
}

/**
 * What the tracker does with an event after `catalog.validate(name, data)`.
 *
 * - `deliver`: go on (status `valid`, or a flagged event under `allow`);
 * - `warn`: go on and report `error`;
 * - `reject`: drop with reason `error.reason` and report `error`.
 *
 * The verdicts of the common cases are shared constants: validating a valid
 * event allocates nothing.
 */
export type CatalogVerdict =
  | { readonly status: CatalogStatus; readonly action: 'deliver'; readonly error?: undefined; readonly issues?: readonly SchemaIssue[] }
  | {
      readonly status: 'undefined' | 'invalid';
      readonly action: 'warn' | 'reject';
      readonly error: ValidationError;
      readonly issues?: readonly SchemaIssue[];
    };

/** The verdict of every valid event (shared: no allocation). */
export const VALID_VERDICT: CatalogVerdict = Object.freeze({ status: 'valid', action: 'deliver' });
/** The verdict of every undefined event under `allow` (shared: no allocation). */
export const ALLOWED_UNDEFINED_VERDICT: CatalogVerdict = Object.freeze({ status: 'undefined', action: 'deliver' });

const POLICIES: readonly CatalogPolicy[] = ['allow', 'warn', 'reject'];

/** Whether `value` is one of `allow`, `warn`, `reject`. */
export function isCatalogPolicy(value: unknown): value is CatalogPolicy {
  return POLICIES.includes(value as CatalogPolicy);
}
