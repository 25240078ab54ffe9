import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the CLI needs of a catalog (an `EventCatalog`, possibly from another copy of eventtrack). */
export interface CatalogLike {
  toMarkdown(options?: { title?: string }): string;
  toJSONSchema(options?: { title?: string }): object;
}

/** The exports searched, in order: a named `catalog`, a named `tracker` (its `.catalog`), the default export. */
export const CATALOG_EXPORTS = ['catalog', 'tracker', 'default'] as const;

const isCatalog = (value: unknown): value is CatalogLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CatalogLike).toMarkdown === 'function' &&
  typeof (value as CatalogLike).toJSONSchema === 'function';

/** A catalog, or a tracker that has one (`tracker.catalog`). */
export function findCatalog(value: unknown): CatalogLike | undefined {
  if (isCatalog(value)) return value;
  const nested = typeof value === 'object' && value !== null ? (value as { catalog?: unknown }).catalog : undefined;
  return isCatalog(nested) ? nested : undefined;
}

/** A file path (relative to `cwd`) or a package specifier resolved from `cwd`. */
export function resolveModule(specifier: string, cwd: string): string {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier) || existsSync(resolve(cwd, specifier));
  if (looksLikePath) return pathToFileURL(resolve(cwd, specifier)).href;
  try {
    return pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(specifier)).href;
  } catch {
    // An ESM-only package (no "require" export condition): let import() resolve it.
    return specifier;
  }
}

/**
 * Imports `specifier` and returns the event catalog it exports.
 *
 * @throws Error with a message for the user when the module cannot be loaded or exports no catalog.
 */
export async function loadCatalog(specifier: string, cwd: string): Promise<CatalogLike> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(resolveModule(specifier, cwd))) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot import "${specifier}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  for (const name of CATALOG_EXPORTS) {
    const catalog = findCatalog(exports[name]);
    if (catalog !== undefined) return catalog;
  }
  throw new Error(
    `"${specifier}" exports no event catalog: export \`catalog\` (an EventCatalog) or \`tracker\` (a tracker with a catalog), ` +
      'or make one of them the default export',
  );
}
