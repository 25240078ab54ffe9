import type { BackendStats, DropReason } from '../delivery/DeliveryStats.js';
import type { EventTrackError } from '../errors.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';

/** Payload of the tracker's `drop` event: events given up on, and why. Use it as a dead-letter hook. */
export interface DropNotice {
  reason: DropReason;
  /** How many events. */
  count: number;
  /** The backend that dropped them; absent for drops before routing (invalid, oversized, processor, shutdown). */
  backend?: string;
  /** The events themselves, when they were built (not for invalid names or oversized events). */
  events: readonly TrackedEvent[];
  /** The event name, for drops before an event was built. */
  name?: string;
  /** The failure that led to the drop, when there was one. */
  cause?: unknown;
}

/** What became of one backend's events during a flush (see {@link FlushReport}). */
export interface BackendFlushReport {
  /** Events accepted before the call and still undelivered when the deadline passed. */
  pending: number;
  /** Events accepted before the call that the backend confirmed during it. */
  delivered: number;
  /** Events accepted before the call that were dropped during it (any reason; see `stats()` and the `drop` event). */
  dropped: number;
}

/** What `flush()` and `shutdown()` resolve with (and the `flush` event carries). */
export interface FlushReport {
  /** Every event each backend held when the call was made was delivered in time: none pending, none dropped. */
  complete: boolean;
  /** Events still undelivered when the deadline passed, all backends. */
  pending: number;
  /** Events delivered during the call, all backends. */
  delivered: number;
  /** Events dropped during the call, all backends. */
  dropped: number;
  /** The same per backend. */
  backends: Record<string, BackendFlushReport>;
  /** How long it took, in ms. */
  durationMs: number;
}

/** What `tracker.stats()` returns. */
export interface TrackerStats {
  /** Events accepted by `emit` (valid, not dropped by a processor). */
  emitted: number;
  /** Values converted to make events JSON-safe (see the normalisation rules). */
  converted: number;
  /** Events dropped before reaching any backend, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /** Events the catalog found undefined or invalid (whatever its policy did with them). */
  catalog: { undefined: number; invalid: number };
  /** Delivery counters per backend. */
  backends: Record<string, BackendStats>;
}

/** The tracker's own events (eventemitter3). */
export interface TrackerEventTypes {
  error: (error: EventTrackError) => void;
  drop: (notice: DropNotice) => void;
  flush: (report: FlushReport) => void;
  /** Every backend's queue is back under its high-water mark after `emit` returned `false`. */
  drain: () => void;
}
