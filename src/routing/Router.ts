import { checkInteger } from '../config/checkInteger.js';
import type { Backend } from '../backends/Backend.js';
import { BackendError, ConfigurationError } from '../errors.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';
import { withTimeout } from '../delivery/withTimeout.js';
import { freezeEvent } from '../event/freezeEvent.js';
import { runProcessors } from '../tracker/Processor.js';
import { RetryLedger } from './RetryLedger.js';
import { compileRoute, type CompiledRoute, type RouteOptions } from './Route.js';
import { messageOf } from '../delivery/messageOf.js';
import { RouteFailures, type RouteBatch } from './RouteFailures.js';

/** Options of {@link Router}. */
export interface RouterOptions {
  /** The branches, each with its backend, name filters and processors. Required, at least one. */
  routes: readonly RouteOptions[];
  /**
   * Called when a route processor throws; the event then continues unchanged
   * on that route (the tracker's processor rule). The router has no tracker to
   * report to, so without this such errors are not seen. Default: none.
   */
  onProcessorError?: (error: unknown, event: TrackedEvent, route: string) => void;
  /**
   * How many events the router remembers after a partly failed `send`, so their
   * retry skips the routes that already have them; past it the oldest are forgotten.
   * 0 turns this off (every retry goes to every route). Default: 10 000.
   */
  retryMemory?: number;
  /**
   * A route whose `send` has not settled after this many ms counts as failed
   * (retryably) for its events, so that one hung route does not make the
   * delivery layer time out the whole router batch and resend it to every
   * route. Keep it below the tracker's `delivery.sendTimeoutMs`. 0 turns it
   * off. Default: 5 000.
   */
  routeTimeoutMs?: number;
}

/** Defaults of {@link RouterOptions}. */
export const DEFAULT_ROUTER_OPTIONS = Object.freeze({ retryMemory: 10_000, routeTimeoutMs: 5_000 });

const EMPTY: RouteBatch = Object.freeze({ events: Object.freeze([]) as readonly TrackedEvent[], indices: undefined });
const noop = (): void => {};

/**
 * A backend that routes: `send` filters each event by name per route, runs the
 * route's processors on the route's copy and hands each route its own batch,
 * so one event can go to MongoDB in full, to the logger redacted, and to
 * counters only when its name matches. A route's backend may itself be a
 * Router (nested routing).
 *
 * Routes are written concurrently, and one route's failure never keeps the
 * others from their events. When some routes fail, `send` throws a
 * {@link PartialDeliveryError} naming the events of the batch that some route
 * still owes, each with a {@link BackendError} per failed route; the router
 * remembers which routes succeeded, so the retry of those events goes only to
 * the routes that failed. An event is retryable when at least one of its
 * failed routes may succeed on a retry (a route error with
 * `retryable: false` is permanent, as for any backend).
 *
 * The memory of a retry is bounded (`retryMemory`), and a route that timed
 * out may still finish its write later: in those cases a retry can reach a
 * route twice, which the backend contract allows (`send` is idempotent per
 * event id).
 */
export class Router implements Backend {
  readonly #routes: readonly CompiledRoute[];
  readonly #onProcessorError: (error: unknown, event: TrackedEvent, route: string) => void;
  readonly #ledger: RetryLedger;
  readonly #acceptsAll: boolean;
  readonly #routeTimeoutMs: number;
  /** Whether events are seen by more than one route or by a processor, and so must be frozen. */
  readonly #isolates: boolean;
  #closing: Promise<void> | undefined;

  /** @throws ConfigurationError when a route or option is invalid. */
  constructor(options: RouterOptions) {
    if (typeof options !== 'object' || options === null || !Array.isArray(options.routes) || options.routes.length === 0) {
      throw new ConfigurationError('routes', 'expected a non-empty array of { backend, include?, exclude?, processors? }');
    }
    const { retryMemory, routeTimeoutMs } = { ...DEFAULT_ROUTER_OPTIONS, ...options };
    for (const [option, value] of [['retryMemory', retryMemory], ['routeTimeoutMs', routeTimeoutMs]] as const) {
      checkInteger(option, value, { min: 0 });
    }
    this.#routeTimeoutMs = routeTimeoutMs;
    if (options.onProcessorError !== undefined && typeof options.onProcessorError !== 'function') {
      throw new ConfigurationError('onProcessorError', 'expected a function (error, event, route) => void');
    }
    this.#routes = options.routes.map(compileRoute);
    const names = new Set<string>();
    this.#routes.forEach((route, index) => {
      if (names.has(route.name)) throw new ConfigurationError(`routes[${index}].name`, `"${route.name}" is used by another route`);
      names.add(route.name);
    });
    this.#onProcessorError = options.onProcessorError ?? noop;
    this.#ledger = new RetryLedger(retryMemory);
    this.#acceptsAll = this.#routes.some((route) => route.filter === undefined);
    this.#isolates = this.#routes.length > 1 || this.#routes.some((route) => route.processors.length > 0);
  }

  /** The route names, in order. */
  get routeNames(): readonly string[] {
    return this.#routes.map((route) => route.name);
  }

  /**
   * Whether any route takes events of this name. A tracker can ask before
   * enqueueing, so that an event no route wants costs nothing downstream.
   */
  accepts(name: string): boolean {
    if (this.#acceptsAll) return true;
    for (const route of this.#routes) if (route.filter!(name)) return true;
    return false;
  }

  /** Routes a batch; see the class description for what a failure means. */
  async send(events: readonly TrackedEvent[]): Promise<void> {
    // Routes share the events and a frozen array of them: one route must not change what its siblings receive.
    const shared = this.#isolates ? freezeAll(events) : events;
    const batches = this.#routes.map((route, index) => this.#select(route, index, shared));
    const outcomes = await Promise.allSettled(
      batches.map(async (batch, index) => {
        if (batch.events.length === 0) return;
        const { backend, name } = this.#routes[index]!;
        if (this.#routeTimeoutMs === 0) await backend.send(batch.events);
        else await withTimeout(() => backend.send(batch.events), this.#routeTimeoutMs, `route "${name}" send`);
      }),
    );

    const failures = new RouteFailures();
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'rejected') failures.add(index, this.#routes[index]!.name, batches[index]!, outcome.reason);
    });
    if (this.#ledger.size > 0 || !failures.isEmpty) {
      events.forEach((event, index) => this.#ledger.set(event.id, failures.retryRoutes(index)));
    }
    if (!failures.isEmpty) throw failures.toError(events.length);
  }

  /** The events of `events` that this route takes, after its processors. */
  #select(route: CompiledRoute, routeIndex: number, events: readonly TrackedEvent[]): RouteBatch {
    const ledger = this.#ledger.size > 0 ? this.#ledger : undefined;
    if (route.filter === undefined && route.processors.length === 0 && ledger === undefined) return { events, indices: undefined };
    const selected: TrackedEvent[] = [];
    const indices: number[] = [];
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      const owedBy = ledger?.owed(event.id);
      if (owedBy !== undefined && !owedBy.has(routeIndex)) continue;
      if (route.filter !== undefined && !route.filter(event.name)) continue;
      const routed =
        route.processors.length === 0
          ? event
          : runProcessors(route.processors, event, (error, current) => this.#reportProcessorError(error, current, route.name));
      if (routed === null) continue;
      selected.push(routed);
      indices.push(index);
    }
    return selected.length === 0 ? EMPTY : { events: Object.freeze(selected), indices };
  }

  #reportProcessorError(error: unknown, event: TrackedEvent, route: string): void {
    try {
      this.#onProcessorError(error, event, route);
    } catch {
      // A failing error handler must not fail delivery.
    }
  }

  /** Flushes every route's backend, concurrently. */
  async flush(): Promise<void> {
    await this.#forEachBackend('flush', (backend) => backend.flush?.());
  }

  /** Closes every route's backend once, concurrently; later calls return the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#forEachBackend('close', (backend) => backend.close?.());
    return this.#closing;
  }

  async #forEachBackend(operation: 'flush' | 'close', call: (backend: Backend) => Promise<void> | void | undefined): Promise<void> {
    const outcomes = await Promise.allSettled(this.#routes.map(async (route) => call(route.backend)));
    const failed = outcomes.flatMap((outcome, index) => (outcome.status === 'rejected' ? [[this.#routes[index]!.name, outcome.reason] as const] : []));
    if (failed.length === 0) return;
    if (failed.length === 1) {
      const [name, error] = failed[0]!;
      throw new BackendError(name, operation, messageOf(error), { cause: error });
    }
    throw new BackendError(
      failed.map(([name]) => name).join(', '),
      operation,
      `${failed.length} routes failed`,
      { cause: new AggregateError(failed.map(([, error]) => error)) },
    );
  }
}

/** `events` frozen, each of them deeply (a no-op for what a tracker already froze). */
function freezeAll(events: readonly TrackedEvent[]): readonly TrackedEvent[] {
  let all = true;
  for (const event of events) if (!Object.isFrozen(event)) all = false;
  if (all && Object.isFrozen(events)) return events;
  return Object.freeze(events.map(freezeEvent));
}
