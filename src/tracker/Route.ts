import { toBackend } from '../backends/Backend.js';
import type { BackendLike } from '../backends/Backend.js';
import { type DeliveryOptions, resolveDeliveryOptions } from '../delivery/DeliveryOptions.js';
import { Dispatcher, type DispatcherHooks } from '../delivery/Dispatcher.js';
import { ConfigurationError } from '../errors.js';
import { compileNameFilter } from '../routing/nameFilter.js';
import { compactProcessors, type Processor } from './Processor.js';
import type { BackendRegistration } from './TrackerOptions.js';

/** A registered backend: its name filter, its processors and its dispatcher. */
export class Route {
  private constructor(
    readonly name: string,
    /** `undefined` when the backend takes every event (no per-event cost). */
    readonly accepts: ((eventName: string) => boolean) | undefined,
    readonly processors: readonly Processor[],
    readonly dispatcher: Dispatcher,
    /** The backend as it was registered (for `getBackend`). */
    readonly backend: BackendLike,
  ) {}

  /** Validates a registration and builds its dispatcher. */
  static create(
    name: string,
    spec: BackendLike | BackendRegistration,
    /** The tracker's `delivery` option as the user gave it. */
    delivery: Readonly<Partial<DeliveryOptions>>,
    hooks: DispatcherHooks,
  ): Route {
    const option = `backends.${name}`;
    if (typeof name !== 'string' || name.length === 0) throw new ConfigurationError('backends', 'a backend name must be a non-empty string');
    const registration: BackendRegistration =
      typeof spec === 'function' || (typeof spec === 'object' && spec !== null && typeof (spec as { send?: unknown }).send === 'function')
        ? { backend: spec as BackendLike }
        : (spec as BackendRegistration);
    const backend = registration?.backend;
    if (typeof backend !== 'function' && (typeof backend !== 'object' || backend === null || typeof backend.send !== 'function')) {
      throw new ConfigurationError(option, 'expected a backend (an object with send(events)), a function (events) => …, or { backend, include?, exclude?, processors?, delivery? }');
    }
    const processors = compactProcessors(registration.processors, `${option}.processors`);
    const filter: { include?: readonly (string | RegExp)[]; exclude?: readonly (string | RegExp)[] } = {};
    if (registration.include !== undefined) filter.include = registration.include;
    if (registration.exclude !== undefined) filter.exclude = registration.exclude;
    // Precedence: built-in defaults < the backend's own < the tracker's `delivery` < this registration's.
    const options = resolveDeliveryOptions(
      { ...(typeof backend === 'object' ? backend.delivery : undefined), ...delivery, ...registration.delivery },
      `${option}.delivery`,
    );
    // A backend that knows which names it wants (a Router) filters before enqueueing too.
    const own = typeof backend === 'object' ? backend.accepts : undefined;
    const accepts =
      compileNameFilter(filter, option) ??
      (typeof own === 'function'
        ? (eventName: string): boolean => {
            try {
              return own.call(backend, eventName) !== false;
            } catch {
              return true; // a broken filter must not lose events: deliver, the backend decides
            }
          }
        : undefined);
    return new Route(name, accepts, processors, new Dispatcher(name, toBackend(backend), options, hooks), backend);
  }
}
