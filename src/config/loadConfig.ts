import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../errors.js';

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/**
 * Reads a configuration file: JSON (any other extension), or the default
 * export of a `.js`/`.mjs`/`.cjs` module (which may hold functions, e.g. a
 * `map` processor's `fn`). The result is returned as it is, for
 * `createTracker(config)` (specs are built there) or a section of it
 * (`createTracker(config.tracker)`).
 *
 * @throws ConfigurationError naming the file when it cannot be read, is not valid JSON, or has no default export.
 */
export async function loadConfig<T = Record<string, unknown>>(path: string): Promise<T> {
  if (typeof path !== 'string' || path === '') throw new ConfigurationError('path', 'expected the path of a configuration file');
  const file = resolve(path);
  if (MODULE_EXTENSIONS.has(extname(file))) {
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (error) {
      throw new ConfigurationError(path, `cannot load the module: ${(error as Error).message}`, { cause: error });
    }
    if (module.default === undefined) throw new ConfigurationError(path, 'the module has no default export (export default { backends: … })');
    return module.default as T;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(path, `cannot read the file: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ConfigurationError(path, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
