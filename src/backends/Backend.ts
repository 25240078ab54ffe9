import type { DeliveryOptions } from '../delivery/DeliveryOptions.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';

/**
 * The backend contract: write one batch of events.
 *
 * A backend only knows how to write a batch; queueing, batching, retries and
 * timeouts live in the delivery layer. A rejected `send` is retried with
 * backoff (so `send` must be idempotent per event id); a backend that can tell
 * which events of a batch failed throws a {@link PartialDeliveryError} so that
 * only those are retried or dropped.
 * An error with `retryable: false` drops its events at once; one with a
 * numeric `retryAfterMs` (a server's `Retry-After`) is retried no sooner.
 */
export interface Backend {
  /** Writes a batch. Resolves when the batch is durable as far as the backend can tell. */
  send(events: readonly TrackedEvent[]): Promise<void> | void;
  /** Pushes out anything the backend buffers itself (file streams, drivers). */
  flush?(): Promise<void> | void;
  /**
   * Releases what the backend opened. Called once, by `tracker.shutdown()` or
   * `removeBackend`, with what is left of their deadline: a backend that can
   * should be done by then (disconnecting hard if need be).
   */
  close?(timeoutMs?: number): Promise<void> | void;
  /**
   * The ids among `events` that are stored after all. Asked before events
   * are reported dropped after their last retry, so a write that landed
   * late or whose reply was lost counts as delivered, not dropped.
   */
  storedIds?(events: readonly TrackedEvent[]): Promise<readonly string[]>;
  /**
   * Which event names the backend wants, asked before an event is queued for
   * it (a `Router` answers from its routes), so unwanted events cost nothing.
   * Used only when the registration has no `include`/`exclude` of its own; a
   * throwing `accepts` counts as `true`, so a broken filter loses nothing.
   */
  accepts?(name: string): boolean;
  /**
   * Delivery defaults this backend works best with (e.g. more batches in
   * flight for a database that pipelines them). They apply under what the
   * user configures, tracker-wide or for this backend.
   */
  readonly delivery?: Partial<DeliveryOptions>;
}

/** A plain function is accepted wherever a backend is. */
export type BackendFunction = (events: readonly TrackedEvent[]) => Promise<void> | void;

/** What `createTracker({ backends })` and `addBackend` accept. */
export type BackendLike = Backend | BackendFunction;

/** Wraps a plain function as a {@link Backend}; returns a backend object unchanged. */
export function toBackend(backend: BackendLike): Backend {
  return typeof backend === 'function' ? { send: backend } : backend;
}
