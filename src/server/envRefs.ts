import { ConfigurationError } from '../errors.js';

/**
 * Replaces every `{ "env": "NAME" }` in a configuration by the value of that
 * environment variable, so secrets (URLs with passwords, API keys) stay out
 * of the file. `{ "env": "NAME", "default": "…" }` falls back to the default
 * when the variable is unset or empty. An object with an `env` key and other
 * keys is left as it is (it is data, not a reference).
 *
 * @throws ConfigurationError naming the path of a reference whose variable is unset and has no default.
 */
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv = process.env, path = ''): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveEnvRefs(item, env, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (typeof record['env'] === 'string' && keys.every((key) => key === 'env' || key === 'default')) {
    const name = record['env'];
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (record['default'] !== undefined) return record['default'];
    throw new ConfigurationError(path === '' ? 'env' : path, `the environment variable ${name} is not set (referenced as { "env": "${name}" })`);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    Object.defineProperty(out, key, { value: resolveEnvRefs(record[key], env, path === '' ? key : `${path}.${key}`), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
