import { CounterBackend } from '../backends/counters/CounterBackend.js';
import type { CounterBackendOptions } from '../backends/counters/CounterBackendOptions.js';
import type { CounterRule } from '../backends/counters/CounterRule.js';
import { HttpBackend, type HttpBackendOptions } from '../backends/http/HttpBackend.js';
import { MixpanelBackend, type MixpanelBackendOptions } from '../backends/http/MixpanelBackend.js';
import { SegmentBackend, type SegmentBackendOptions } from '../backends/http/SegmentBackend.js';
import { LoggerBackend, type LoggerBackendOptions } from '../backends/logger/LoggerBackend.js';
import { MemoryBackend, type MemoryBackendOptions } from '../backends/memory/MemoryBackend.js';
import { MongoBackend } from '../backends/mongodb/MongoBackend.js';
import type { MongoBackendOptions } from '../backends/mongodb/MongoBackendOptions.js';
import { ConfigurationError } from '../errors.js';
import type { CounterStore } from '../metrics/CounterStore.js';
import { Metrics } from '../metrics/Metrics.js';
import type { MetricsOptions } from '../metrics/MetricsOptions.js';
import { MemoryCounterStore, type MemoryCounterStoreOptions } from '../metrics/memory/MemoryCounterStore.js';
import { RedisCounterStore } from '../metrics/redis/RedisCounterStore.js';
import type { RedisCounterStoreOptions } from '../metrics/redis/RedisCounterStoreOptions.js';
import { edxLegacy, type EdxLegacyOptions } from '../processors/edxLegacy.js';
import { enrich, type Enrichment, type EnrichOptions } from '../processors/enrich.js';
import { map, type EventChanges } from '../processors/map.js';
import { openTelemetry, type OpenTelemetryOptions } from '../processors/openTelemetry.js';
import { redact, type RedactOptions } from '../processors/redact.js';
import { rename } from '../processors/rename.js';
import { sample, type SampleOptions } from '../processors/sample.js';
import { Router, type RouterOptions } from '../routing/Router.js';
import type { RouteOptions } from '../routing/Route.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';
import type { BackendRegistration } from '../tracker/TrackerOptions.js';
import { buildBackend, buildProcessors, nameMatchers, optionsOf } from './buildSpec.js';
import type { BackendFactory, ProcessorFactory } from './types.js';

// The option objects reach the constructors as given: each constructor validates its own options
// and names the bad one; buildSpec prefixes that name with the spec's path.

/** Builds a counter store from `{ type: 'redis' | 'memory', options }`, or returns a store object as is. */
function buildStore(spec: unknown, path: string): CounterStore {
  if (typeof spec !== 'object' || spec === null) throw new ConfigurationError(path, "expected { type: 'redis' | 'memory', options }");
  const { type, options } = spec as { type?: unknown; options?: unknown };
  if (type === undefined && typeof (spec as CounterStore).write === 'function') return spec as CounterStore;
  const given = optionsOf(options, `${path}.options`);
  if (type === 'redis') return new RedisCounterStore(given as unknown as RedisCounterStoreOptions);
  if (type === 'memory') return new MemoryCounterStore(given as MemoryCounterStoreOptions);
  throw new ConfigurationError(`${path}.type`, `unknown store type ${JSON.stringify(type)} (known: redis, memory)`);
}

function counters(options: Record<string, unknown>): CounterBackend {
  const { store, metrics, rules, ...rest } = options;
  let metricsOption: Metrics | MetricsOptions | undefined = metrics as Metrics | MetricsOptions | undefined;
  if (store !== undefined) {
    if (metrics instanceof Metrics) throw new ConfigurationError('store', 'give `store` or a Metrics instance as `metrics`, not both');
    metricsOption = { ...(metrics as MetricsOptions | undefined), store: buildStore(store, 'store') };
  } else if (metrics !== undefined && !(metrics instanceof Metrics) && (metrics as MetricsOptions).store !== undefined) {
    metricsOption = { ...(metrics as MetricsOptions), store: buildStore((metrics as MetricsOptions).store, 'metrics.store') };
  }
  const revived = Array.isArray(rules)
    ? rules.map((rule: unknown, index) =>
      typeof rule === 'object' && rule !== null && (rule as { match?: unknown }).match !== undefined
        ? { ...rule, match: nameMatchers((rule as { match: unknown }).match, `rules[${index}].match`) }
        : rule)
    : rules;
  return new CounterBackend({
    ...rest,
    ...(metricsOption === undefined ? {} : { metrics: metricsOption }),
    ...(revived === undefined ? {} : { rules: revived as readonly CounterRule[] }),
  } as CounterBackendOptions);
}

function router(options: Record<string, unknown>): Router {
  const { routes, ...rest } = options;
  if (!Array.isArray(routes)) throw new ConfigurationError('routes', 'expected an array of { backend, include?, exclude?, processors? }');
  const built = routes.map((route: unknown, index): RouteOptions => {
    const at = `routes[${index}]`;
    if (typeof route !== 'object' || route === null) throw new ConfigurationError(at, 'expected { backend, include?, exclude?, processors? }');
    const { backend, include, exclude, processors, ...others } = route as Record<string, unknown>;
    const built = buildBackend(backend, `${at}.backend`);
    // A backend spec's own route fields apply too: its processors after the route's, its filters where the route has none.
    const inner: Partial<BackendRegistration> = typeof built === 'object' && 'backend' in built ? built : {};
    const routeProcessors = processors === undefined ? [] : buildProcessors(processors, `${at}.processors`);
    return {
      ...others,
      backend: inner.backend ?? built,
      ...(include === undefined ? (inner.include ? { include: inner.include } : {}) : { include: nameMatchers(include, `${at}.include`) }),
      ...(exclude === undefined ? (inner.exclude ? { exclude: inner.exclude } : {}) : { exclude: nameMatchers(exclude, `${at}.exclude`) }),
      processors: [...routeProcessors, ...(inner.processors ?? [])],
    } as RouteOptions;
  });
  return new Router({ ...rest, routes: built } as RouterOptions);
}

/** The backend types every tracker knows; `registerBackendType` may replace them. */
export const BUILTIN_BACKEND_TYPES: Readonly<Record<string, BackendFactory>> = Object.freeze({
  memory: (options) => new MemoryBackend(options as MemoryBackendOptions),
  logger: (options) => new LoggerBackend(options as LoggerBackendOptions),
  mongodb: (options) => new MongoBackend(options as unknown as MongoBackendOptions),
  mixpanel: (options) => new MixpanelBackend(options as MixpanelBackendOptions),
  segment: (options) => new SegmentBackend(options as unknown as SegmentBackendOptions),
  http: (options) => new HttpBackend(options as unknown as HttpBackendOptions),
  counters,
  router,
});

function need<T>(options: Record<string, unknown>, key: string, check: (value: unknown) => boolean, expected: string): T {
  const value = options[key];
  if (!check(value)) throw new ConfigurationError(key, `expected ${expected}`);
  return value as T;
}

/** The processor types every tracker knows; `registerProcessorType` may replace them. */
export const BUILTIN_PROCESSOR_TYPES: Readonly<Record<string, ProcessorFactory>> = Object.freeze({
  redact: ({ paths, ...rest }) => redact(paths as readonly string[], rest as RedactOptions),
  sample: ({ rate, ...rest }) => sample(rate as number, rest as SampleOptions),
  rename: (options) => rename(need(options, 'mapping', (v) => typeof v === 'object' && v !== null, 'an object { "data.from": "data.to" }')),
  map: (options) => map(need<(event: TrackedEvent) => EventChanges | null | undefined>(options, 'fn', (v) => typeof v === 'function', 'a function (event) => changes (only in a .js/.mjs configuration)')),
  enrich: ({ fn, data, context, ...rest }) =>
    enrich(fn === undefined ? ({ ...(data === undefined ? {} : { data }), ...(context === undefined ? {} : { context }) } as Enrichment) : fn as () => Enrichment, rest as EnrichOptions),
  edxLegacy: (options) => edxLegacy(options as EdxLegacyOptions),
  openTelemetry: (options) => openTelemetry(options as OpenTelemetryOptions),
});
