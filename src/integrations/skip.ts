import { ConfigurationError } from '../errors.js';
import { globToRegExp, isGlob } from '../routing/glob.js';

/**
 * A request to leave untracked (no context, no request event):
 *
 * - a string without `*` or `?`: a path prefix (`'/health'` also skips
 *   `/healthz` and `/health/live`; write `'/health/'` or a glob to be stricter);
 * - a string with `*` or `?`: a glob over the whole path, in the dialect of
 *   event-name globs with `/` as the separator (see `routing/glob.ts`): `*`
 *   and `?` stay within one segment; a `**` segment matches zero or more
 *   segments in the middle (between `/a` and `/b` it matches `/a/b` and
 *   `/a/x/y/b`) and one or more at the end (`'/static/**'`, not `/static`);
 *   `'/*.ico'` matches one level only;
 * - a RegExp, tested against the path;
 * - a function of the framework's request object returning `true` to skip.
 *
 * Paths are matched without the query string.
 */
export type SkipRule<Req> = string | RegExp | ((req: Req) => boolean);

/** Decides whether a request is skipped; `path` has no query string. */
export type SkipMatcher<Req> = (path: string, req: Req) => boolean;

/** Compiles the rules once; `undefined` when there are none (the common case costs nothing). */
export function compileSkip<Req>(rules: readonly SkipRule<Req>[]): SkipMatcher<Req> | undefined {
  if (rules.length === 0) return undefined;
  const prefixes: string[] = [];
  const patterns: RegExp[] = [];
  const predicates: ((req: Req) => boolean)[] = [];
  for (const rule of rules) {
    if (typeof rule === 'function') predicates.push(rule);
    else if (rule instanceof RegExp) patterns.push(new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')));
    else if (typeof rule !== 'string' || rule === '') {
      throw new ConfigurationError('skip', 'each rule must be a non-empty string, a RegExp or a function.');
    } else if (isGlob(rule)) patterns.push(globToRegExp(rule, '/'));
    else prefixes.push(rule);
  }
  return (path, req) => {
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    for (const pattern of patterns) if (pattern.test(path)) return true;
    for (const predicate of predicates) if (predicate(req)) return true;
    return false;
  };
}
