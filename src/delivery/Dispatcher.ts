import type { Backend } from '../backends/Backend.js';
import { BackendError, PartialDeliveryError } from '../errors.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';
import { attemptsSettled, trackAttempt } from './attemptsInDoubt.js';
import { backoffDelay } from './backoff.js';
import type { DeliveryOptions } from './DeliveryOptions.js';
import { type BackendStats, countDrop, type DropReason } from './DeliveryStats.js';
import { EventQueue } from './EventQueue.js';
import { messageOf } from './messageOf.js';
import { timedCall, withTimeout } from './withTimeout.js';

/** Where a dispatcher reports what goes wrong; the tracker turns these into `error` and `drop` events. */
export interface DispatcherHooks {
  drop(backend: string, events: readonly TrackedEvent[], reason: DropReason, cause?: unknown): void;
  error(error: BackendError): void;
}

/** What became of the events a dispatcher held when its `flush` was called. */
export interface DispatcherFlushResult {
  /** Events accepted before the flush that were neither delivered nor dropped by the deadline. */
  pending: number;
  /** Of those events, how many the backend confirmed during the flush. */
  delivered: number;
  /** Of those events, how many were dropped during the flush (any reason). */
  dropped: number;
}

/**
 * Events accepted by a dispatcher are numbered in order (their sequence
 * number, `seq`): the queue holds a contiguous run of them, the oldest at its
 * head. A batch holds a run too (`first`, `first + 1`, …) until a partial
 * failure leaves some of them, listed in `seqs`.
 */
interface Batch {
  events: readonly TrackedEvent[];
  first: number;
  seqs: number[] | undefined;
  attempt: number;
  abandoned: boolean;
  retryTimer: NodeJS.Timeout | undefined;
}

/** A `flush` waiting for every event numbered below `target` to settle, counting how they did. */
interface Waiter {
  target: number;
  delivered: number;
  dropped: number;
  resolve: () => void;
}

/** The sequence numbers of a batch's events: a run from `first`, or a list. */
type Seqs = number | readonly number[];

function seqAt(batch: Batch, index: number): number {
  return batch.seqs === undefined ? batch.first + index : batch.seqs[index]!;
}

/** How many of `count` events numbered `seqs` are below `target`. */
function countBelow(seqs: Seqs, count: number, target: number): number {
  if (typeof seqs === 'number') return Math.max(0, Math.min(count, target - seqs));
  let n = 0;
  for (const seq of seqs) if (seq < target) n++;
  return n;
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
  /** Events accepted into the queue, ever: the next event's sequence number. */
  private accepted = 0;
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
        this.drop([event], 'queue-full', undefined, undefined);
        return;
      }
      const oldest = this.accepted - this.queue.length;
      this.drop([this.queue.shift()!], 'queue-full', undefined, oldest);
      this.checkWaiters();
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
    this.drop(events, reason, undefined, undefined);
  }

  /**
   * Sends what is queued and waits until every event accepted before this
   * call is delivered or dropped, or `timeoutMs` passes; events accepted later
   * (even when delivered first, `maxInFlight` > 1) do not count.
   */
  async flush(timeoutMs: number): Promise<DispatcherFlushResult> {
    const waiter: Waiter = { target: this.accepted, delivered: 0, dropped: 0, resolve: () => undefined };
    if (this.lowestUnsettled() < waiter.target) {
      this.draining++;
      try {
        const settled = this.waitFor(waiter, timeoutMs); // listening before anything is sent
        this.pump();
        await settled;
      } finally {
        this.draining--;
      }
    }
    const pending = this.unsettledBelow(waiter.target);
    if (pending === 0 && this.backend.flush !== undefined) {
      try {
        await withTimeout(() => this.backend.flush!(), timeoutMs, `backend "${this.name}" flush`);
      } catch (error) {
        this.hooks.error(new BackendError(this.name, 'flush', messageOf(error), { cause: error }));
      }
    }
    return { pending, delivered: waiter.delivered, dropped: waiter.dropped };
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
      const first = this.accepted - this.queue.length;
      // Frozen: a backend that changed the array would change what a retry sends (and, under a Router, what sibling routes get).
      const events = Object.freeze(this.queue.take(batchSize));
      const batch: Batch = { events, first, seqs: undefined, attempt: 1, abandoned: false, retryTimer: undefined };
      this.inFlight.add(batch);
      void this.send(batch);
    }
    if (this.queue.length === 0) this.due = false;
    else if (this.lingerTimer === undefined && !this.due) this.startLinger();
  }

  private async send(batch: Batch): Promise<void> {
    try {
      const call = timedCall(() => this.backend.send(batch.events), this.options.sendTimeoutMs, `backend "${this.name}" send`);
      if (this.backend.storedIds !== undefined) trackAttempt(batch, call.work); // a timed-out send may still land
      await call.result;
    } catch (error) {
      if (!batch.abandoned) this.fail(batch, error);
      return;
    }
    if (batch.abandoned) return;
    this.counters.sent += batch.events.length;
    this.account('delivered', batch.seqs ?? batch.first, batch.events.length);
    this.finish(batch);
  }

  private fail(batch: Batch, error: unknown): void {
    this.counters.failed++;
    const { events } = batch;
    let retry: TrackedEvent[] = events as TrackedEvent[];
    let retrySeqs: Seqs = batch.seqs ?? batch.first;
    let rejected: TrackedEvent[] = [];
    let rejectedSeqs: Seqs = batch.seqs ?? batch.first;
    if (error instanceof PartialDeliveryError) {
      const failed = new Set<number>();
      retry = [];
      rejected = [];
      const retryList: number[] = [];
      const rejectedList: number[] = [];
      for (const failure of error.failures) {
        const event = events[failure.index];
        if (event === undefined || failed.has(failure.index)) continue;
        failed.add(failure.index);
        if (failure.retryable) {
          retry.push(event);
          retryList.push(seqAt(batch, failure.index));
        } else {
          rejected.push(event);
          rejectedList.push(seqAt(batch, failure.index));
        }
      }
      // Kept in sequence order (a batch's first seq is its lowest).
      if (!isSorted(retryList)) sortTogether(retry, retryList);
      retrySeqs = retryList;
      rejectedSeqs = rejectedList;
      const deliveredSeqs: number[] = [];
      for (let index = 0; index < events.length; index++) if (!failed.has(index)) deliveredSeqs.push(seqAt(batch, index));
      this.counters.sent += deliveredSeqs.length;
      this.account('delivered', deliveredSeqs, deliveredSeqs.length);
    } else if (isPermanent(error)) {
      retry = [];
      rejected = events as TrackedEvent[];
    }
    const message = messageOf(error);
    this.hooks.error(new BackendError(this.name, 'send', message, { cause: error, eventCount: events.length, attempt: batch.attempt }));
    if (rejected.length > 0) this.drop(rejected, 'rejected', error, rejectedSeqs);
    if (retry.length > 0 && batch.attempt > this.options.maxRetries) {
      if (this.backend.storedIds !== undefined) {
        if (retry !== events) {
          batch.events = Object.freeze(retry);
          batch.seqs = typeof retrySeqs === 'number' ? undefined : (retrySeqs as number[]);
        }
        void this.dropUnlessStored(batch, error);
        return;
      }
      this.drop(retry, 'retries-exhausted', error, retrySeqs);
      retry = [];
    }
    if (retry.length === 0) {
      this.finish(batch);
      return;
    }
    if (retry !== events) {
      batch.events = Object.freeze(retry);
      batch.seqs = retrySeqs as number[];
    }
    batch.attempt++;
    this.counters.retried++;
    this.checkWaiters();
    const delay = backoffDelay(batch.attempt - 1, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs);
    batch.retryTimer = setTimeout(() => {
      batch.retryTimer = undefined;
      void this.send(batch);
    }, delay);
    batch.retryTimer.unref();
  }

  /**
   * Before a batch is reported dropped, waits until none of its attempts is
   * still running (a timed-out send held by a hung server may land when it
   * resumes; meanwhile the batch stays in flight, "in doubt"), then asks the
   * backend which of its events are stored after all: those count as
   * delivered, so a drop report is never contradicted by the store. Without
   * an answer within `sendTimeoutMs` all are dropped. `close` still abandons
   * an in-doubt batch at its deadline (reported dropped with the close's
   * reason; its write may still land as the process exits).
   */
  private async dropUnlessStored(batch: Batch, error: unknown): Promise<void> {
    await attemptsSettled(batch);
    if (batch.abandoned) return; // shutdown reported them already
    let stored = new Set<string>();
    try {
      stored = new Set(await withTimeout(() => this.backend.storedIds!(batch.events), this.options.sendTimeoutMs, `backend "${this.name}" read-back`));
    } catch {
      // unknown: reported dropped below
    }
    if (batch.abandoned) return; // shutdown reported them already
    const found: number[] = [];
    const lost: TrackedEvent[] = [];
    const lostSeqs: number[] = [];
    batch.events.forEach((event, index) => {
      if (stored.has(event.id)) found.push(seqAt(batch, index));
      else {
        lost.push(event);
        lostSeqs.push(seqAt(batch, index));
      }
    });
    this.counters.sent += found.length;
    if (found.length > 0) this.account('delivered', found, found.length);
    if (lost.length > 0) this.drop(lost, 'retries-exhausted', error, lostSeqs);
    this.finish(batch);
  }

  private finish(batch: Batch): void {
    this.inFlight.delete(batch);
    this.checkWaiters();
    this.pump();
  }

  /** Drops `events`; `seqs` numbers them when they were accepted (`undefined`: never queued). */
  private drop(events: readonly TrackedEvent[], reason: DropReason, cause: unknown, seqs: Seqs | undefined): void {
    this.counters.dropped += events.length;
    countDrop(this.counters.dropReasons, reason, events.length);
    if (seqs !== undefined) this.account('dropped', seqs, events.length);
    this.hooks.drop(this.name, events, reason, cause);
  }

  /** Counts settled events into the flushes waiting for them. */
  private account(outcome: 'delivered' | 'dropped', seqs: Seqs, count: number): void {
    for (const waiter of this.waiters) waiter[outcome] += countBelow(seqs, count, waiter.target);
  }

  /** The sequence number of the oldest event not yet delivered or dropped (`accepted` when there is none). */
  private lowestUnsettled(): number {
    let lowest = this.accepted - this.queue.length;
    for (const batch of this.inFlight) {
      const first = batch.seqs === undefined ? batch.first : batch.seqs[0]!;
      if (first < lowest) lowest = first;
    }
    return lowest;
  }

  /** How many events numbered below `target` are not yet delivered or dropped. */
  private unsettledBelow(target: number): number {
    const head = this.accepted - this.queue.length;
    let n = Math.max(0, Math.min(this.queue.length, target - head));
    for (const batch of this.inFlight) n += countBelow(batch.seqs ?? batch.first, batch.events.length, target);
    return n;
  }

  /** Resolves the flushes whose events have all settled. */
  private checkWaiters(): void {
    if (this.waiters.length === 0) return;
    const lowest = this.lowestUnsettled();
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (lowest >= waiter.target) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private waitFor(waiter: Waiter, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      // This timer is the caller's deadline, so it may keep the process alive until then.
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        resolve();
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  /** Gives up on everything still queued or in flight. */
  private abandon(reason: DropReason): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const head = this.accepted - this.queue.length;
    const left = this.queue.take(this.queue.length);
    if (left.length > 0) this.drop(left, reason, undefined, head);
    for (const batch of this.inFlight) {
      batch.abandoned = true;
      if (batch.retryTimer !== undefined) clearTimeout(batch.retryTimer);
      this.drop(batch.events, reason, undefined, batch.seqs ?? batch.first);
    }
    this.inFlight.clear();
    this.checkWaiters();
  }
}

function isSorted(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) return false;
  return true;
}

/** Sorts `seqs` ascending and `events` along with it. */
function sortTogether(events: TrackedEvent[], seqs: number[]): void {
  const order = seqs.map((seq, i) => [seq, events[i]!] as const).sort((a, b) => a[0] - b[0]);
  order.forEach(([seq, event], i) => {
    seqs[i] = seq;
    events[i] = event;
  });
}
