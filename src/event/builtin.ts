/**
 * A Node built-in module, loaded when first used rather than when eventtrack
 * is imported: `node:crypto`, `node:http`, `node:zlib`, `node:net` and `node:os` cost
 * several milliseconds each to load, which a tracker that never forwards,
 * spills or reads a client ip should not pay (bench/import.ts).
 * `process.getBuiltinModule` is synchronous and cached by Node (≥ 20.16).
 */
export function builtin<T>(id: 'node:crypto' | 'node:http' | 'node:https' | 'node:net' | 'node:os' | 'node:zlib'): T {
  return process.getBuiltinModule(id) as T;
}
