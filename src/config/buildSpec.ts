import type { BackendLike } from '../backends/Backend.js';
import { ConfigurationError } from '../errors.js';
import type { NameMatcher } from '../routing/nameFilter.js';
import type { Processor } from '../tracker/Processor.js';
import type { BackendRegistration, TrackerOptions } from '../tracker/TrackerOptions.js';
import { isSpec, type TrackerConfig } from './specs.js';
import { backendType, processorType, registeredTypes } from './types.js';

const BACKEND_SPEC_KEYS = new Set(['type', 'options', 'processors', 'include', 'exclude', 'delivery']);
const PROCESSOR_SPEC_KEYS = new Set(['type', 'options']);
const PREFIX = /^Invalid option `([^`]*)`: /;

/** A spec's `options`: a plain object, `{}` when absent. */
export function optionsOf(options: unknown, path: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigurationError(path, 'expected an object');
  return options as Record<string, unknown>;
}

/** Runs a factory; an error it throws becomes a ConfigurationError naming the option below `path`. */
function construct<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      const option = error.option === '' ? path : `${path}.${error.option}`;
      throw new ConfigurationError(option, error.message.replace(PREFIX, ''), { cause: error });
    }
    throw new ConfigurationError(path, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function checkKeys(spec: object, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.has(key)) throw new ConfigurationError(`${path}.${key}`, `not a spec field (expected ${[...allowed].join(', ')})`);
  }
}

/**
 * Event-name matchers from a spec: strings, RegExps and `{ regex, flags? }`
 * objects (a single one or an array).
 *
 * @throws ConfigurationError naming `path` (and the index) for anything else or an invalid RegExp.
 */
export function nameMatchers(value: unknown, path: string): NameMatcher | NameMatcher[] {
  const one = (item: unknown, at: string): NameMatcher => {
    if (typeof item === 'string' || item instanceof RegExp) return item;
    if (typeof item === 'object' && item !== null && typeof (item as { regex?: unknown }).regex === 'string') {
      const { regex, flags, ...rest } = item as { regex: string; flags?: unknown };
      if (Object.keys(rest).length > 0) throw new ConfigurationError(`${at}.${Object.keys(rest)[0]!}`, 'a RegExp spec has only "regex" and "flags"');
      if (flags !== undefined && typeof flags !== 'string') throw new ConfigurationError(`${at}.flags`, 'expected a string such as "i"');
      try {
        return new RegExp(regex, flags);
      } catch (error) {
        throw new ConfigurationError(at, `invalid RegExp: ${(error as Error).message}`, { cause: error });
      }
    }
    throw new ConfigurationError(at, 'expected an event name, a glob, a RegExp or { "regex": "…", "flags": "i" }');
  };
  return Array.isArray(value) ? value.map((item, index) => one(item, `${path}[${index}]`)) : one(value, path);
}

/**
 * Builds a processor from a spec, or returns a function as is.
 *
 * @throws ConfigurationError naming the path (`processors[0].type`, `processors[0].options.paths`).
 */
export function buildProcessor(entry: unknown, path: string): Processor | undefined {
  if (entry === undefined || entry === null || entry === false) return undefined;
  if (typeof entry === 'function') return entry as Processor;
  if (!isSpec(entry)) {
    const type = (entry as { type?: unknown } | null)?.type;
    if (typeof entry === 'object' && type !== undefined) throw new ConfigurationError(`${path}.type`, `expected a processor type name, got ${JSON.stringify(type)}`);
    throw new ConfigurationError(path, `expected a function or { type, options }, got ${typeof entry}`);
  }
  checkKeys(entry, PROCESSOR_SPEC_KEYS, path);
  const factory = processorType(entry.type);
  if (factory === undefined) {
    throw new ConfigurationError(`${path}.type`, `unknown processor type "${entry.type}" (known: ${registeredTypes().processors.join(', ')}; add one with registerProcessorType)`);
  }
  const options = optionsOf((entry as { options?: unknown }).options, `${path}.options`);
  const processor = construct(`${path}.options`, () => factory(options));
  if (processor !== undefined && typeof processor !== 'function') {
    throw new ConfigurationError(`${path}.type`, `the factory of "${entry.type}" returned ${typeof processor}, not a function`);
  }
  return processor;
}

/** Builds every entry of a processor list; empty entries and factories that return `undefined` are left out. */
export function buildProcessors(list: unknown, path: string): Processor[] {
  if (!Array.isArray(list)) throw new ConfigurationError(path, 'expected an array of processors or { type, options } specs');
  const out: Processor[] = [];
  list.forEach((entry, index) => {
    const processor = buildProcessor(entry, `${path}[${index}]`);
    if (processor !== undefined) out.push(processor);
  });
  return out;
}

function fromSpec(spec: { type: string } & Record<string, unknown>, path: string): BackendRegistration {
  checkKeys(spec, BACKEND_SPEC_KEYS, path);
  const factory = backendType(spec.type);
  if (factory === undefined) {
    throw new ConfigurationError(`${path}.type`, `unknown backend type "${spec.type}" (known: ${registeredTypes().backends.join(', ')}; add one with registerBackendType)`);
  }
  const options = optionsOf(spec['options'], `${path}.options`);
  const registration: BackendRegistration = { backend: construct(`${path}.options`, () => factory(options)) };
  const backend = registration.backend as unknown;
  if (typeof backend !== 'function' && (typeof backend !== 'object' || backend === null || typeof (backend as { send?: unknown }).send !== 'function')) {
    throw new ConfigurationError(`${path}.type`, `the factory of "${spec.type}" returned no backend (an object with send(events), or a function)`);
  }
  return withRoute(registration, spec, path);
}

function withRoute(registration: BackendRegistration, spec: Record<string, unknown>, path: string): BackendRegistration {
  const out: BackendRegistration = { ...registration };
  if (spec['processors'] !== undefined) out.processors = buildProcessors(spec['processors'], `${path}.processors`);
  if (spec['include'] !== undefined) out.include = [nameMatchers(spec['include'], `${path}.include`)].flat();
  if (spec['exclude'] !== undefined) out.exclude = [nameMatchers(spec['exclude'], `${path}.exclude`)].flat();
  if (spec['delivery'] !== undefined) {
    if (typeof spec['delivery'] !== 'object' || spec['delivery'] === null) throw new ConfigurationError(`${path}.delivery`, 'expected an object of delivery options');
    out.delivery = spec['delivery'] as BackendRegistration['delivery'] & object;
  }
  return out;
}

/**
 * Builds a backend (with its route) from a spec, a registration whose
 * `backend`, `processors` or filters are specs, or returns a backend object as is.
 * Use it with `tracker.addBackend(name, buildBackend(spec))`.
 *
 * @throws ConfigurationError naming the path of the bad field (`backends.log.processors[0].type`).
 */
export function buildBackend(entry: unknown, path = 'backend'): BackendLike | BackendRegistration {
  if (isSpec(entry)) return fromSpec(entry as { type: string } & Record<string, unknown>, path);
  if (typeof entry === 'object' && entry !== null && 'backend' in entry) {
    const registration = entry as BackendRegistration & Record<string, unknown>;
    const inner = isSpec(registration.backend) ? buildBackend(registration.backend, `${path}.backend`) : registration.backend;
    const backend = typeof inner === 'object' && 'backend' in inner ? inner.backend : inner;
    return withRoute({ ...registration, backend }, registration, path);
  }
  if (typeof entry === 'object' && entry !== null && 'type' in entry && typeof (entry as { send?: unknown }).send !== 'function') {
    throw new ConfigurationError(`${path}.type`, `expected a backend type name, got ${JSON.stringify((entry as { type: unknown }).type)}`);
  }
  return entry as BackendLike;
}

/**
 * Turns a {@link TrackerConfig} into `TrackerOptions`: every backend and
 * processor spec is built (drivers are loaded by the backends themselves,
 * when they connect). Options without specs are returned unchanged.
 *
 * @throws ConfigurationError naming the path of the first bad field.
 */
export function resolveTrackerConfig(config: TrackerConfig): TrackerOptions {
  if (typeof config !== 'object' || config === null) return config as TrackerOptions;
  const { backends, processors, ...rest } = config;
  const out: TrackerOptions = { ...rest };
  if (processors !== undefined) out.processors = Array.isArray(processors) ? buildProcessors(processors, 'processors') : processors as never;
  if (backends !== undefined) {
    if (typeof backends !== 'object' || backends === null) throw new ConfigurationError('backends', 'expected an object of backends by name');
    const built: Record<string, BackendLike | BackendRegistration> = {};
    for (const [name, entry] of Object.entries(backends)) built[name] = buildBackend(entry, `backends.${name}`);
    out.backends = built;
  }
  return out;
}
