import { createRequire } from 'node:module';
import { ConfigurationError } from '../errors.js';

/** How a peer is loaded: Node's `require` from this package (a seam for tests). */
export type PeerRequire = (name: string) => unknown;

const nodeRequire: PeerRequire = createRequire(import.meta.url);

/**
 * Loads an optional peer dependency (`mongodb`, `ioredis`) on first use, so
 * that importing eventtrack loads no driver. Synchronous: both drivers are
 * CommonJS, which `require` loads from ESM and CommonJS alike.
 *
 * @param name - the package to load.
 * @param option - the option that needed it, named by the error.
 * @param range - the supported majors, named by the error.
 * @throws ConfigurationError naming the package to install when it is missing.
 */
export function loadPeer<T>(name: string, option: string, range: string, load: PeerRequire = nodeRequire): T {
  try {
    return load(name) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new ConfigurationError(option, `needs the \`${name}\` package (${range}), an optional peer dependency: run \`npm install ${name}\``, { cause: error });
    }
    throw error;
  }
}
