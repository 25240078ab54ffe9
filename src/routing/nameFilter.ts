import { ConfigurationError } from '../errors.js';
import { globSource, isGlob } from './glob.js';

/**
 * Selects event names: a string is an exact name, or a glob when it contains
 * `*` or `?`; a RegExp is tested as is (its `g`/`y` flags are ignored).
 *
 * Globs work on dotted segments: `?` is one character other than `.`, `*` any
 * run within one segment (`nav.*` matches `nav.request`, not `nav.a.b`), and
 * `**` as a whole segment any number of segments — zero or more at the start
 * or in the middle (`**.error`, `a.**.z`), one or more at the end (`nav.**`
 * matches `nav.a.b` but not `nav`). `**` inside a segment (`a**`) matches any
 * characters, dots included.
 */
export type NameMatcher = string | RegExp;

/** Allow and deny lists of event names. */
export interface NameFilterOptions {
  /**
   * Only names matching one of these pass. Default: absent, every name passes.
   * An empty list lets nothing pass (an allow list computed empty must not
   * open the gate).
   */
  include?: NameMatcher | readonly NameMatcher[] | undefined;
  /** Names matching one of these never pass, even when included (deny wins). Default: none. */
  exclude?: NameMatcher | readonly NameMatcher[] | undefined;
}

/** A compiled name filter: `true` when the event should go on. */
export type NameFilter = (name: string) => boolean;

/**
 * Results are cached per name because event names repeat; past this many
 * distinct names the cache is cleared and refills, so memory stays bounded
 * even when names are (wrongly) high-cardinality.
 */
export const NAME_FILTER_CACHE_SIZE = 1024;

/** A list of matchers compiled to an exact-name set, one combined glob RegExp and the user's RegExps. */
interface CompiledList {
  readonly exact: ReadonlySet<string>;
  readonly globs: RegExp | undefined;
  readonly regexps: readonly RegExp[];
}

function compileList(matchers: NameMatcher | readonly NameMatcher[], option: string): CompiledList {
  const list: readonly NameMatcher[] = Array.isArray(matchers) ? matchers : [matchers as NameMatcher];
  const exact = new Set<string>();
  const globs: string[] = [];
  const regexps: RegExp[] = [];
  list.forEach((matcher, index) => {
    if (typeof matcher === 'string') {
      if (matcher === '') throw new ConfigurationError(`${option}[${index}]`, 'an event name pattern must not be empty');
      if (isGlob(matcher)) globs.push(globSource(matcher));
      else exact.add(matcher);
    } else if (matcher instanceof RegExp) {
      // A `g` or `y` RegExp keeps state between `test` calls; a stateless copy gives the same answer every time.
      regexps.push(matcher.global || matcher.sticky ? new RegExp(matcher.source, matcher.flags.replace(/[gy]/g, '')) : matcher);
    } else {
      throw new ConfigurationError(`${option}[${index}]`, 'expected an event name, a glob string or a RegExp');
    }
  });
  return {
    exact,
    globs: globs.length === 0 ? undefined : new RegExp(`^(?:${globs.join('|')})$`),
    regexps,
  };
}

function matches(list: CompiledList, name: string): boolean {
  if (list.exact.has(name)) return true;
  if (list.globs !== undefined && list.globs.test(name)) return true;
  for (const regexp of list.regexps) if (regexp.test(name)) return true;
  return false;
}

function hasPatterns(list: CompiledList | undefined): boolean {
  return list !== undefined && (list.globs !== undefined || list.regexps.length > 0);
}

function isEmpty(value: NameFilterOptions['include']): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

/**
 * Compiles allow/deny lists once into a fast predicate. Returns `undefined`
 * when there is nothing to filter, so callers can skip the call entirely.
 *
 * A name passes when it matches `include` (or there is no `include`) and does
 * not match `exclude`. Exact names are a `Set` lookup; the globs of a list are
 * joined into one RegExp; when there are globs or RegExps, results are cached per
 * name (bounded by {@link NAME_FILTER_CACHE_SIZE}).
 *
 * @param option - the option path named by a {@link ConfigurationError}, e.g. `routes[1]`.
 * @throws ConfigurationError when a matcher is not a non-empty string or a RegExp.
 */
export function compileNameFilter(options: NameFilterOptions, option = 'filter'): NameFilter | undefined {
  const hasInclude = options.include !== undefined;
  if (!hasInclude && isEmpty(options.exclude)) return undefined;
  const include = hasInclude ? compileList(options.include!, `${option}.include`) : undefined;
  const exclude = isEmpty(options.exclude) ? undefined : compileList(options.exclude!, `${option}.exclude`);

  const decide = (name: string): boolean =>
    (include === undefined || matches(include, name)) && (exclude === undefined || !matches(exclude, name));

  if (!hasPatterns(include) && !hasPatterns(exclude)) return decide;

  const cache = new Map<string, boolean>();
  return (name) => {
    let verdict = cache.get(name);
    if (verdict === undefined) {
      verdict = decide(name);
      if (cache.size >= NAME_FILTER_CACHE_SIZE) cache.clear();
      cache.set(name, verdict);
    }
    return verdict;
  };
}
