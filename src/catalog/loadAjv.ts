import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';
import { linearRegExp } from './linearRegExp.js';

/** The Ajv options every catalog validator is compiled with. */
export const CATALOG_AJV_OPTIONS: Readonly<Options> = Object.freeze({
  // Report every violation of an event, not only the first.
  allErrors: true,
  // Events are frozen and shared: validation must never change the data.
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  // A misspelt keyword (`requried`) fails at define time instead of validating nothing.
  strictSchema: true,
  // Advisory checks that would otherwise reach Ajv's logger: off, and no logger at all (no console in the library).
  strictTypes: false,
  strictTuples: false,
  logger: false,
});

/**
 * Creates the Ajv instance of a catalog. Ajv is loaded on the first
 * `define`, not when eventtrack is imported: it costs ~40 ms of start-up that
 * an application without a catalog should not pay.
 *
 * Schema `pattern`s and `patternProperties` run on a linear-time engine
 * ({@link linearRegExp}), so no pattern can stall `emit`.
 *
 * @param formats - check `format`s with ajv-formats (`date-time`, `email`,
 *   `uri`, `uuid`, …); when `false`, `format` is an annotation only.
 */
export function createAjv(formats: boolean): Ajv {
  const require = createRequire(import.meta.url);
  const { Ajv: AjvClass } = require('ajv') as { Ajv: new (options: Options) => Ajv };
  const ajv = new AjvClass({ ...CATALOG_AJV_OPTIONS, validateFormats: formats, code: { regExp: linearRegExp } });
  if (formats) (require('ajv-formats') as { default: (ajv: Ajv) => Ajv }).default(ajv);
  return ajv;
}
