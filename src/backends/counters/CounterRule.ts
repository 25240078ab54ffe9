import { ConfigurationError } from '../../errors.js';
import { compileNameFilter, type NameFilter, type NameMatcher } from '../../routing/nameFilter.js';
import { NameTemplate, type NameSource } from './NameTemplate.js';
import { compilePath, type EventPath } from './path.js';

/**
 * What a rule records for each event it applies to. Paths are dotted paths
 * into the event's `context` or `data` (`'context.user_id'`, `'data.amount'`).
 *
 * With every field left out, a rule counts the event once under its name
 * (`metrics.metric(slugify(event.name), 1, { timestamp })`).
 */
export interface CounterOutputs {
  /**
   * The metric slug: a name, a template (`'{name}'`, `'http.{data.status}'`)
   * or a function of the event (see {@link NameSource}). Also the metric name
   * of `entity` counts and the slug of `unique` counts and of the gauge.
   * Default `'{name}'`: the event name, mapped by `slugify`.
   */
  slug?: NameSource;
  /** Adds the slug to this category (a name, template or function). Default: none. */
  category?: NameSource;
  /**
   * Count the event: `metrics.metric(slug, n, { category, timestamp })` at
   * every stored granularity, `n` being 1 or the `value`. Default `true`; set
   * `false` for a rule that only records `entity`, `unique` or `gauge`.
   */
  count?: boolean;
  /**
   * Path of a number to add instead of 1 (e.g. `'data.amount'` for revenue);
   * also the increment of the `entity` count. An event where it is missing or
   * not a finite number skips its count and entity writes (counted in stats,
   * reason `missing` or `wrong-type`). Default: none (add 1).
   */
  value?: string;
  /**
   * Path of an entity id (string or number, or an array of them) to count the
   * event per entity by day, week and month:
   * `metrics.trackMetric(entity, slug, { timestamp, n })` (py-analytics'
   * `track_metric`). Read back with `getMetricByDay(entity, slug)`. Default: none.
   */
  entity?: string;
  /**
   * Path of a member (string or number) to count distinct values of:
   * `metrics.unique(slug, member, { timestamp })`, e.g. `'context.user_id'`
   * for unique users per event per day (`getUnique(slug, { granularity: 'day' })`).
   * Default: none.
   */
  unique?: string;
  /** Path of a number to set gauge `slug` to (`metrics.gauge`; the last event delivered wins). Default: none. */
  gauge?: string;
  /**
   * Path of a duration in ms to record as a timing of `slug`: `metrics.timing(slug, ms, { timestamp, category })`,
   * e.g. `'data.duration_ms'` for the request middleware's `http.request` events (percentiles with
   * `getTimingHistory`). A missing, non-number or negative value is skipped (reason `missing`, `wrong-type` or
   * `invalid`). Default: none.
   */
  timing?: string;
}

/** A rule: which events (by name) and what to record for them. */
export interface CounterRule extends CounterOutputs {
  /** Event names the rule applies to: exact names, dotted-name globs (`'cart.*'`, `'**'`) or RegExps. Required. */
  match: NameMatcher | readonly NameMatcher[];
  /** Names excluded even when matched. Default: none. */
  exclude?: NameMatcher | readonly NameMatcher[];
}

/** A rule after validation. */
export interface CompiledRule {
  /** Where it came from in the options, e.g. `rules[2]` or `defaultRule` (names it in skip reports). */
  readonly option: string;
  /** `undefined` for the default rule, which applies to events no rule matched. */
  readonly matches: NameFilter | undefined;
  readonly slug: NameTemplate;
  readonly category: NameTemplate | undefined;
  readonly count: boolean;
  readonly value: EventPath | undefined;
  readonly entity: EventPath | undefined;
  readonly unique: EventPath | undefined;
  readonly gauge: EventPath | undefined;
  readonly timing: EventPath | undefined;
}

const OUTPUT_KEYS = ['slug', 'category', 'count', 'value', 'entity', 'unique', 'gauge', 'timing'] as const;
const RULE_KEYS = new Set<string>(['match', 'exclude', ...OUTPUT_KEYS]);
const DEFAULT_SLUG = '{name}';

function optionalPath(option: string, value: string | undefined): EventPath | undefined {
  return value === undefined ? undefined : compilePath(option, value);
}

/** Validates what a rule records; `option` names it in errors. */
export function compileOutputs(option: string, outputs: CounterOutputs, matches: NameFilter | undefined, allowed: ReadonlySet<string>): CompiledRule {
  if (typeof outputs !== 'object' || outputs === null) throw new ConfigurationError(option, 'expected an object such as { match: "cart.*", slug: "{name}" }');
  for (const key of Object.keys(outputs)) {
    if (!allowed.has(key)) throw new ConfigurationError(`${option}.${key}`, `unknown field; a rule has ${[...allowed].join(', ')}`);
  }
  if (outputs.count !== undefined && typeof outputs.count !== 'boolean') throw new ConfigurationError(`${option}.count`, 'expected true or false');
  const rule: CompiledRule = {
    option,
    matches,
    slug: new NameTemplate(`${option}.slug`, outputs.slug ?? DEFAULT_SLUG),
    category: outputs.category === undefined ? undefined : new NameTemplate(`${option}.category`, outputs.category),
    count: outputs.count ?? true,
    value: optionalPath(`${option}.value`, outputs.value),
    entity: optionalPath(`${option}.entity`, outputs.entity),
    unique: optionalPath(`${option}.unique`, outputs.unique),
    gauge: optionalPath(`${option}.gauge`, outputs.gauge),
    timing: optionalPath(`${option}.timing`, outputs.timing),
  };
  if (!rule.count && rule.entity === undefined && rule.unique === undefined && rule.gauge === undefined && rule.timing === undefined) {
    throw new ConfigurationError(option, 'records nothing: with count: false, give entity, unique, gauge or timing');
  }
  return rule;
}

/**
 * Compiles one rule: its name matcher (the same exact/glob/RegExp rules as
 * the tracker's routing, via `compileNameFilter`) and its outputs.
 * @throws ConfigurationError naming `rules[i]…`.
 */
export function compileRule(rule: CounterRule, index: number): CompiledRule {
  const option = `rules[${index}]`;
  if (typeof rule !== 'object' || rule === null) throw new ConfigurationError(option, "expected an object such as { match: 'cart.*' }");
  if (rule.match === undefined || (Array.isArray(rule.match) && rule.match.length === 0)) {
    throw new ConfigurationError(`${option}.match`, "required: event names, globs or RegExps (use '**' for every event)");
  }
  let matches: NameFilter;
  try {
    matches = compileNameFilter({ include: rule.match, exclude: rule.exclude }, option)!;
  } catch (error) {
    // compileNameFilter names its lists include/exclude; here the first one is called `match`.
    if (!(error instanceof ConfigurationError)) throw error;
    throw new ConfigurationError(error.option.replace(`${option}.include`, `${option}.match`), 'expected an event name, a glob string or a RegExp, not empty');
  }
  return compileOutputs(option, rule, matches, RULE_KEYS);
}

/** Compiles the rule applied to events no other rule matched. */
export function compileDefaultRule(outputs: CounterOutputs): CompiledRule {
  return compileOutputs('defaultRule', outputs, undefined, new Set(OUTPUT_KEYS));
}
