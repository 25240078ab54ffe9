/** Why an event was not delivered. */
export type DropReason =
  /** The backend's queue was full (see `delivery.overflow`). */
  | 'queue-full'
  /** Every retry of its batch failed. */
  | 'retries-exhausted'
  /** The backend refused the event itself (a non-retryable per-event failure). */
  | 'rejected'
  /** Still queued or unconfirmed when `shutdown` reached its deadline. */
  | 'shutdown-timeout'
  /** Emitted after `shutdown` began. */
  | 'shutdown'
  /** The spill (`delivery.spill`) had no room left under its `maxBytes`. */
  | 'spill-full'
  /** Writing to the spill failed (the disk); see the `error` event. */
  | 'spill-error'
  /** The backend was removed with `removeBackend` before the event was sent. */
  | 'backend-removed'
  /** The event name was empty, too long or held control characters. */
  | 'invalid-name'
  /** The event's JSON exceeded `maxEventSize`. */
  | 'oversized'
  /** The `timestamp` option of `emit` was not a valid Date or epoch ms in years 0000–9999. */
  | 'invalid-timestamp'
  /** A tracker processor returned `null`. */
  | 'processor'
  /** The event is not in the catalog and its `undefinedEvents` policy is `reject`. */
  | 'undefined-event'
  /** The event's data does not match its schema and the catalog's `invalidEvents` policy is `reject`. */
  | 'invalid-event'
  /** The `id` emit option was not a UUID. */
  | 'invalid-id'
  /** `emit` failed in an unexpected way (a bug; reported on the `error` event with its cause). */
  | 'internal-error';

/** Delivery counters of one backend, as returned in `tracker.stats().backends`. */
export interface BackendStats {
  /** Events waiting in the queue. */
  queued: number;
  /** Events in batches being sent or waiting for a retry. */
  inFlight: number;
  /** Events the backend confirmed. */
  sent: number;
  /** `send` calls that failed (each failed attempt counts once). */
  failed: number;
  /** Batches sent again after a failure. */
  retried: number;
  /** Events given up on, all reasons. */
  dropped: number;
  /** `dropped`, split by reason. */
  dropReasons: Partial<Record<DropReason, number>>;
  /** With `delivery.spill`: what the spill holds and did. */
  spill?: SpillStats;
}

/** The spill of one backend, in `tracker.stats().backends[name].spill`. */
export interface SpillStats {
  /** Events written to the spill since the tracker started. */
  spilled: number;
  /** Events of this process written to the spill and not read back yet. */
  waiting: number;
  /** Bytes of the spill's files on disk. */
  bytes: number;
  /** Bytes on disk not yet delivered (records left by an earlier process included). */
  pendingBytes: number;
  /** Torn last records cut off when the spill was opened (a crash in the middle of a write). */
  torn: number;
  /** Damaged records skipped while reading. */
  corrupted: number;
}

/** Counts a drop of `count` events with `reason` into `reasons`. */
export function countDrop(reasons: Partial<Record<DropReason, number>>, reason: DropReason, count: number): void {
  reasons[reason] = (reasons[reason] ?? 0) + count;
}
