import type { Backend } from '../backends/Backend.js';
import { BackendError, PartialDeliveryError } from '../errors.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';
import { backoffDelay } from './backoff.js';
import type { DeliveryOptions } from './DeliveryOptions.js';
import { type BackendStats, countDrop, type DropReason } from './DeliveryStats.js';
import { EventQueue } from './EventQueue.js';
import { messageOf } from './messageOf.js';
import { withTimeout } from './withTimeout.js';

/** Where a dispatcher reports what goes wrong; the tracker turns these into `error` and `drop` events. */
export interface DispatcherHooks {
  drop(backend: string, events: readonly TrackedEvent[], reason: DropReason, cause?: unknown): void;
  error(error: BackendError): void;
}

/** What a dispatcher's `flush` could not finish. */
export interface DispatcherFlushResult {
  /** Events emitted before the flush that were neither delivered nor dropped by the deadline. */
  pending: number;
}

interface Batch {
  events: TrackedEvent[];
  attempt: number;
  abandoned: boolean;
  retryTimer: NodeJS.Timeout | undefined;
}

interface Waiter {
  target: number;
  resolve: () => void;
}

/** A failure the backend marked as permanent (`error.retryable === false`). */
function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

/**
 * Delivers events to one backend: a bounded queue, batches by size or age,
 * at most `maxInFlight` batches at a time, retries with jittered backoff, and
 * an exact account of every event accepted (sent, or dropped with a reason).
 * Nothing here runs backend code on the caller's stack: `enqueue` only queues.
 */
export class Dispatcher {
  private readonly queue: EventQueue;
  private readonly inFlight = new Set<Batch>();
  private readonly waiters: Waiter[] = [];
  private readonly counters: BackendStats = { queued: 0, inFlight: 0, sent: 0, failed: 0, retried: 0, dropped: 0, dropReasons: {} };
  /** Events accepted into the queue, ever; `settled` counts those delivered or dropped since. */
  private accepted = 0;
  private settled = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private due = false;
  private pumpScheduled = false;
  private draining = 0;
  private closing: Promise<DispatcherFlushResult> | undefined;

  constructor(
    readonly name: string,
    readonly backend: Backend,
    readonly options: Readonly<DeliveryOptions>,
    private readonly hooks: DispatcherHooks,
  ) {
    this.queue = new EventQueue(options.maxQueueSize);
  }

  /** Queues one event; O(1), never throws, never calls the backend. */
  enqueue(event: TrackedEvent): void {
    if (this.queue.full) {
      if (this.options.overflow === 'drop-newest') {
        this.drop([event], 'queue-full', undefined, false);
        return;
      }
      this.drop([this.queue.shift()!], 'queue-full');
    }
    this.queue.push(event);
    this.accepted++;
    if (this.queue.length >= this.options.batchSize) {
      if (!this.pumpScheduled && this.inFlight.size < this.options.maxInFlight) {
        this.pumpScheduled = true;
        setImmediate(() => this.pump());
      }
    } else if (this.lingerTimer === undefined && !this.due) {
      this.startLinger();
    }
  }

  /** Counts events given up on before they were queued (a backend's own processor dropped them). */
  dropUnqueued(events: readonly TrackedEvent[], reason: DropReason): void {
    this.drop(events, reason, undefined, false);
  }

  /** Sends what is queued and waits until everything accepted so far is delivered or dropped, or `timeoutMs` passes. */
  async flush(timeoutMs: number): Promise<DispatcherFlushResult> {
    const target = this.accepted;
    if (this.settled < target) {
      this.draining++;
      try {
        this.pump();
        await this.waitFor(target, timeoutMs);
      } finally {
        this.draining--;
      }
    }
    const pending = Math.max(0, target - this.settled);
    if (pending === 0 && this.backend.flush !== undefined) {
      try {
        await withTimeout(() => this.backend.flush!(), timeoutMs, `backend "${this.name}" flush`);
      } catch (error) {
        this.hooks.error(new BackendError(this.name, 'flush', messageOf(error), { cause: error }));
      }
    }
    return { pending };
  }

  /**
   * Flushes within `timeoutMs`, drops whatever is still undelivered with
   * `reason`, stops all timers and closes the backend when `closeBackend`.
   * Once only: a later call (`removeBackend` during `shutdown`) gets the first
   * call's promise, so the backend is closed once.
   */
  close(timeoutMs: number, reason: DropReason, closeBackend: boolean): Promise<DispatcherFlushResult> {
    this.closing ??= this.closeOnce(timeoutMs, reason, closeBackend);
    return this.closing;
  }

  private async closeOnce(timeoutMs: number, reason: DropReason, closeBackend: boolean): Promise<DispatcherFlushResult> {
    const started = Date.now();
    const result = await this.flush(timeoutMs);
    this.abandon(reason);
    if (closeBackend && this.backend.close !== undefined) {
      const left = Math.max(1, timeoutMs - (Date.now() - started));
      try {
        await withTimeout(() => this.backend.close!(left), left, `backend "${this.name}" close`);
      } catch (error) {
        this.hooks.error(new BackendError(this.name, 'close', messageOf(error), { cause: error }));
      }
    }
    return result;
  }

  /** A snapshot of this backend's counters. */
  stats(): BackendStats {
    let inFlight = 0;
    for (const batch of this.inFlight) inFlight += batch.events.length;
    return { ...this.counters, queued: this.queue.length, inFlight, dropReasons: { ...this.counters.dropReasons } };
  }

  private startLinger(): void {
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.due = true;
      this.pump();
    }, this.options.flushIntervalMs);
    this.lingerTimer.unref();
  }

  private pump(): void {
    this.pumpScheduled = false;
    const { batchSize, maxInFlight } = this.options;
    while (
      this.inFlight.size < maxInFlight &&
      this.queue.length > 0 &&
      (this.queue.length >= batchSize || this.due || this.draining > 0)
    ) {
      const batch: Batch = { events: this.queue.take(batchSize), attempt: 1, abandoned: false, retryTimer: undefined };
      this.inFlight.add(batch);
      void this.send(batch);
    }
    if (this.queue.length === 0) this.due = false;
    else if (this.lingerTimer === undefined && !this.due) this.startLinger();
  }

  private async send(batch: Batch): Promise<void> {
    try {
      await withTimeout(() => this.backend.send(batch.events), this.options.sendTimeoutMs, `backend "${this.name}" send`);
    } catch (error) {
      if (!batch.abandoned) this.fail(batch, error);
      return;
    }
    if (batch.abandoned) return;
    this.counters.sent += batch.events.length;
    this.finish(batch, batch.events.length);
  }

  private fail(batch: Batch, error: unknown): void {
    this.counters.failed++;
    const { events } = batch;
    let retry = events;
    let rejected: TrackedEvent[] = [];
    if (error instanceof PartialDeliveryError) {
      const failed = new Set<number>();
      retry = [];
      for (const failure of error.failures) {
        const event = events[failure.index];
        if (event === undefined || failed.has(failure.index)) continue;
        failed.add(failure.index);
        (failure.retryable ? retry : rejected).push(event);
      }
      const delivered = events.length - failed.size;
      this.counters.sent += delivered;
      this.settle(delivered);
    } else if (isPermanent(error)) {
      retry = [];
      rejected = events;
    }
    const message = messageOf(error);
    this.hooks.error(new BackendError(this.name, 'send', message, { cause: error, eventCount: events.length, attempt: batch.attempt }));
    if (rejected.length > 0) this.drop(rejected, 'rejected', error);
    if (retry.length > 0 && batch.attempt > this.options.maxRetries) {
      if (this.backend.storedIds !== undefined) {
        batch.events = retry;
        void this.dropUnlessStored(batch, error);
        return;
      }
      this.drop(retry, 'retries-exhausted', error);
      retry = [];
    }
    if (retry.length === 0) {
      this.finish(batch, 0);
      return;
    }
    batch.events = retry;
    batch.attempt++;
    this.counters.retried++;
    const delay = backoffDelay(batch.attempt - 1, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs);
    batch.retryTimer = setTimeout(() => {
      batch.retryTimer = undefined;
      void this.send(batch);
    }, delay);
    batch.retryTimer.unref();
  }

  /**
   * Before a batch is reported dropped, asks the backend which of its events
   * are stored after all (a write that landed late, a reply that was lost):
   * those count as delivered, so a drop report is never contradicted by the
   * store. Without an answer within `sendTimeoutMs` all are dropped.
   */
  private async dropUnlessStored(batch: Batch, error: unknown): Promise<void> {
    let stored = new Set<string>();
    try {
      stored = new Set(await withTimeout(() => this.backend.storedIds!(batch.events), this.options.sendTimeoutMs, `backend "${this.name}" read-back`));
    } catch {
      // unknown: reported dropped below
    }
    if (batch.abandoned) return; // shutdown reported them already
    const found = batch.events.filter((event) => stored.has(event.id));
    const lost = batch.events.filter((event) => !stored.has(event.id));
    this.counters.sent += found.length;
    this.settle(found.length);
    if (lost.length > 0) this.drop(lost, 'retries-exhausted', error);
    this.finish(batch, 0);
  }

  private finish(batch: Batch, delivered: number): void {
    this.inFlight.delete(batch);
    this.settle(delivered);
    this.pump();
  }

  private drop(events: readonly TrackedEvent[], reason: DropReason, cause?: unknown, accepted = true): void {
    this.counters.dropped += events.length;
    countDrop(this.counters.dropReasons, reason, events.length);
    if (accepted) this.settle(events.length);
    this.hooks.drop(this.name, events, reason, cause);
  }

  private settle(count: number): void {
    this.settled += count;
    if (this.waiters.length === 0) return;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (this.settled >= waiter.target) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private waitFor(target: number, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      // This timer is the caller's deadline, so it may keep the process alive until then.
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        resolve();
      }, timeoutMs);
      const waiter: Waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Gives up on everything still queued or in flight. */
  private abandon(reason: DropReason): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const left = this.queue.take(this.queue.length);
    if (left.length > 0) this.drop(left, reason);
    for (const batch of this.inFlight) {
      batch.abandoned = true;
      if (batch.retryTimer !== undefined) clearTimeout(batch.retryTimer);
      this.drop(batch.events, reason);
    }
    this.inFlight.clear();
  }
}
