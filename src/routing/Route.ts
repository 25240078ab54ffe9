import { toBackend, type Backend, type BackendLike } from '../backends/Backend.js';
import { ConfigurationError } from '../errors.js';
import type { Processor } from '../tracker/Processor.js';
import { compileNameFilter, type NameFilter, type NameMatcher } from './nameFilter.js';

/** One branch of a {@link Router}: which events go to which backend, and how they are changed on the way. */
export interface RouteOptions {
  /** Names the route in errors (`BackendError.backend`). Default: `routes[<index>]`. */
  name?: string;
  /** Where the route's events go; another `Router` nests routing. Required. */
  backend: BackendLike;
  /** Event names this route takes (exact, glob or RegExp). Default: every name. */
  include?: NameMatcher | readonly NameMatcher[];
  /** Event names this route never takes; wins over `include`. Default: none. */
  exclude?: NameMatcher | readonly NameMatcher[];
  /**
   * Applied, in order, to this route's copy of each event it takes (e.g.
   * `redact` for the logger only). `null`/`undefined`/`false` entries are
   * skipped, so `cond && sample(0.1)` can be listed as is. They run at
   * delivery time, and again for the events of a retry: sample by a key
   * (`sample(0.1, { key: 'id' })`) so a retried event gets the same decision.
   * Default: none.
   */
  processors?: readonly (Processor | null | undefined | false)[];
}

/** A route resolved and validated once by the Router's constructor. */
export interface CompiledRoute {
  readonly name: string;
  readonly backend: Backend;
  /** `undefined` when the route takes every name. */
  readonly filter: NameFilter | undefined;
  readonly processors: readonly Processor[];
}

/**
 * Validates one route of `RouterOptions.routes` and compiles its name filter.
 *
 * @throws ConfigurationError naming `routes[index]…` for a bad field.
 */
export function compileRoute(route: RouteOptions, index: number): CompiledRoute {
  const option = `routes[${index}]`;
  if (typeof route !== 'object' || route === null) throw new ConfigurationError(option, 'expected { backend, include?, exclude?, processors? }');
  const { backend } = route;
  const isBackendObject = typeof backend === 'object' && backend !== null && typeof backend.send === 'function';
  if (typeof backend !== 'function' && !isBackendObject) {
    throw new ConfigurationError(`${option}.backend`, 'expected a backend (an object with send(events)) or a function');
  }
  const name = route.name ?? option;
  if (typeof name !== 'string' || name === '') throw new ConfigurationError(`${option}.name`, 'expected a non-empty string');
  const listed = route.processors ?? [];
  if (!Array.isArray(listed)) throw new ConfigurationError(`${option}.processors`, 'expected an array of processor functions');
  const processors: Processor[] = [];
  listed.forEach((processor, i) => {
    if (processor === null || processor === undefined || processor === false) return;
    if (typeof processor !== 'function') throw new ConfigurationError(`${option}.processors[${i}]`, 'expected a function (event) => event | null | undefined');
    processors.push(processor);
  });
  return {
    name,
    backend: toBackend(backend),
    filter: compileNameFilter({ include: route.include, exclude: route.exclude }, option),
    processors,
  };
}
