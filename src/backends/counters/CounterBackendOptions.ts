import { ConfigurationError } from '../../errors.js';
import { Metrics } from '../../metrics/Metrics.js';
import type { MetricsOptions } from '../../metrics/MetricsOptions.js';
import type { CounterSkip } from './CounterSkip.js';
import { type CompiledRule, compileDefaultRule, compileRule, type CounterOutputs, type CounterRule } from './CounterRule.js';
import { checkInteger } from '../../config/checkInteger.js';

/** Options of {@link CounterBackend}. */
export interface CounterBackendOptions {
  /**
   * Where the counts go: a {@link Metrics} instance (yours: `close()` flushes
   * it but leaves it open, so you can keep reading from it), or options to
   * create one (the backend's own: `close()` closes it, and its store). Default
   * `{}`: a new Metrics over a `MemoryCounterStore`, owned by the backend.
   */
  metrics?: Metrics | MetricsOptions;
  /**
   * Rules mapping event names to metrics. Every rule whose `match` accepts an
   * event's name applies (in order), so one event can feed several metrics.
   * Default `[]`.
   */
  rules?: readonly CounterRule[];
  /**
   * What is recorded for events no rule matched, or `false` to ignore them
   * (counted in `stats().unmatched`). Default `{ slug: '{name}' }`: one count
   * per event name, at every stored granularity.
   */
  defaultRule?: CounterOutputs | false;
  /**
   * How many of the most recent event ids are remembered so that an event
   * delivered twice (a batch re-sent upstream, e.g. by a retry) is counted
   * once. 0 turns this off. Default 10 000 (about 1 MB).
   */
  dedupeWindow?: number;
  /**
   * Told about every write skipped because a value was missing, of the wrong
   * type or refused by Metrics (the same skips are counted in `stats()`).
   * Called during delivery; it must not throw (what it throws is ignored).
   * Default: none.
   */
  onSkip?: (skip: CounterSkip) => void;
}

/** Defaults of {@link CounterBackendOptions}. */
export const DEFAULT_COUNTER_BACKEND_OPTIONS = Object.freeze({
  rules: Object.freeze([]) as readonly CounterRule[],
  defaultRule: Object.freeze({ slug: '{name}' }) as Readonly<CounterOutputs>,
  dedupeWindow: 10_000,
});

/** Options after defaults and validation. */
export interface ResolvedCounterBackendOptions {
  metrics: Metrics;
  ownsMetrics: boolean;
  rules: readonly CompiledRule[];
  defaultRule: CompiledRule | undefined;
  dedupeWindow: number;
  onSkip: ((skip: CounterSkip) => void) | undefined;
}

/** Applies defaults and validates; a bad option throws a `ConfigurationError` naming it. */
export function resolveCounterBackendOptions(options: CounterBackendOptions): ResolvedCounterBackendOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options', 'expected an object such as { metrics }');
  const d = DEFAULT_COUNTER_BACKEND_OPTIONS;
  const rules = options.rules ?? d.rules;
  if (!Array.isArray(rules)) throw new ConfigurationError('rules', "expected an array of rules such as [{ match: 'cart.*', slug: '{name}' }]");
  const compiled = rules.map((rule: CounterRule, i) => compileRule(rule, i));
  const defaultRule = options.defaultRule ?? d.defaultRule;
  const dedupeWindow = options.dedupeWindow ?? d.dedupeWindow;
  checkInteger('dedupeWindow', dedupeWindow);
  if (options.onSkip !== undefined && typeof options.onSkip !== 'function') throw new ConfigurationError('onSkip', 'expected a function (skip) => void');
  // Compile the rules before creating a Metrics, so a bad rule leaves no timer or connection behind.
  const compiledDefault = defaultRule === false ? undefined : compileDefaultRule(defaultRule);
  // Duck-typed rather than `instanceof`, so a Metrics from another copy of the package is recognised too.
  const given = typeof (options.metrics as Metrics | undefined)?.metric === 'function';
  if (!given && options.metrics !== undefined && (typeof options.metrics !== 'object' || options.metrics === null)) {
    throw new ConfigurationError('metrics', 'expected a Metrics instance or Metrics options such as { store: new RedisCounterStore({ url }) }');
  }
  return {
    metrics: given ? (options.metrics as Metrics) : new Metrics((options.metrics ?? {}) as MetricsOptions),
    ownsMetrics: !given,
    rules: compiled,
    defaultRule: compiledDefault,
    dedupeWindow,
    onSkip: options.onSkip,
  };
}
