import { BackendError, PartialDeliveryError, type EventFailure } from '../errors.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';
import { messageOf } from '../delivery/messageOf.js';

/** What one route was given in a `send`, and where its events sit in the router's batch. */
export interface RouteBatch {
  readonly events: readonly TrackedEvent[];
  /** `indices[i]` is the position in the router's batch of `events[i]`; `undefined` means the same position. */
  readonly indices: readonly number[] | undefined;
}

/** Failures of one event of the router's batch, across routes. */
interface Entry {
  readonly errors: BackendError[];
  /** Routes whose failure may succeed on a retry. */
  readonly retry: Set<number>;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * Collects the failed routes of one `Router.send` per event of the router's
 * batch, translating each route's failure (whole batch, or a
 * {@link PartialDeliveryError} naming positions in the route's own batch) to
 * positions in the router's batch.
 */
export class RouteFailures {
  readonly #byIndex = new Map<number, Entry>();

  get isEmpty(): boolean {
    return this.#byIndex.size === 0;
  }

  /** Records that `route` (at `routeIndex`) failed to write `batch` with `error`. */
  add(routeIndex: number, route: string, batch: RouteBatch, error: unknown): void {
    const fail = (position: number, cause: unknown, retryable: boolean): void => {
      // A position outside the route's batch is the backend's bug; it cannot name one of ours.
      if (!Number.isInteger(position) || position < 0 || position >= batch.events.length) return;
      const index = batch.indices === undefined ? position : batch.indices[position]!;
      let entry = this.#byIndex.get(index);
      if (entry === undefined) this.#byIndex.set(index, (entry = { errors: [], retry: new Set() }));
      entry.errors.push(new BackendError(route, 'send', messageOf(cause), { cause, eventCount: batch.events.length }));
      if (retryable) entry.retry.add(routeIndex);
    };
    if (isPartialDeliveryError(error)) for (const f of error.failures) fail(f.index, f.error, f.retryable);
    else {
      const retryable = !isPermanent(error);
      for (let position = 0; position < batch.events.length; position++) fail(position, error, retryable);
    }
  }

  /** The routes that may still get the event at `index` of the router's batch on a retry. */
  retryRoutes(index: number): ReadonlySet<number> {
    return this.#byIndex.get(index)?.retry ?? NONE;
  }

  /** The error `Router.send` throws: one failure per event some route still owes, in batch order. */
  toError(batchSize: number): PartialDeliveryError {
    const failures: EventFailure[] = [...this.#byIndex]
      .sort(([a], [b]) => a - b)
      .map(([index, { errors, retry }]) => ({
        index,
        error: errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} routes failed`),
        retryable: retry.size > 0,
      }));
    return new PartialDeliveryError(failures, `${failures.length} of ${batchSize} event(s) were not delivered to every route`);
  }
}

/** A whole-batch failure the backend marked as permanent, as the delivery layer reads it. */
function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

/** Also recognises the error of another copy of eventtrack (a nested router from a second install). */
function isPartialDeliveryError(error: unknown): error is PartialDeliveryError {
  return (
    error instanceof PartialDeliveryError ||
    (error instanceof Error &&
      (error as { code?: unknown }).code === 'ERR_EVENTTRACK_PARTIAL_DELIVERY' &&
      Array.isArray((error as { failures?: unknown }).failures))
  );
}
