import type { Backend } from '../backends/Backend.js';
import { BackendError, PartialDeliveryError } from '../errors.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';
import { attemptsSettled, trackAttempt } from './attemptsInDoubt.js';
import { backoffDelay, retryAfterOf } from './backoff.js';
import type { DeliveryOptions } from './DeliveryOptions.js';
import { type BackendStats, countDrop, type DropReason } from './DeliveryStats.js';
import { EventQueue } from './EventQueue.js';
import { messageOf } from './messageOf.js';
import { SeqRuns } from './SeqRuns.js';
import { type SpillBatch, SpillLog } from './spill/SpillLog.js';
import { timedCall, withTimeout } from './withTimeout.js';

/** Where a dispatcher reports what goes wrong; the tracker turns these into `error` and `drop` events. */
export interface DispatcherHooks {
  drop(backend: string, events: readonly TrackedEvent[], reason: DropReason, cause?: unknown): void;
  error(error: BackendError): void;
  /** The backend's queue went above its high-water mark (`true`) or back under it (`false`). */
  pressure?(backend: string, above: boolean): void;
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
  /** Read from the spill: acknowledged there once settled, never dropped for running out of retries. */
  spilled: SpillBatch | undefined;
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
  /** Above the high-water mark (see {@link Dispatcher.pressured}). */
  private above = false;
  /** The count bound's high-water mark: half of `maxQueueSize` (`Infinity` without one). */
  private readonly highCount: number;
  /** The durable spill (`delivery.spill`), once opened; `undefined` without one or when it could not be opened. */
  private log: SpillLog | undefined;
  private logReady = false;
  /** Events go to the spill, not the queue: always with `mode: 'always'`, while the spill is not caught up with `'overflow'`. */
  private logMode = false;
  /** Events waiting to be written to the spill, with their sequence numbers and sizes. */
  private toLog: { events: TrackedEvent[]; seqs: number[]; sizes: number[] } = { events: [], seqs: [], sizes: [] };
  private toLogBytes = 0;
  private appending: Promise<void> | undefined;
  /** Sequence numbers of the events being written to the spill now. */
  private writing: readonly number[] = [];
  /** Sequence numbers of this process's events in the spill, not read back yet, in order. */
  private readonly logSeqs = new SeqRuns();
  /** Bytes of records an earlier process left in the spill, not read back yet. */
  private foreignBytes = 0;
  private reading = false;
  private spilledCount = 0;
  private opening: Promise<void> | undefined;
  /** Set when shutdown starts closing the spill: nothing more is read from it. */
  private logClosed = false;

  constructor(
    readonly name: string,
    readonly backend: Backend,
    readonly options: Readonly<DeliveryOptions>,
    private readonly hooks: DispatcherHooks,
  ) {
    this.queue = new EventQueue();
    this.highCount = options.maxQueueSize / 2;
    if (options.spill !== undefined) {
      this.log = new SpillLog(name, options.spill);
      // Until the spill is open (and what an earlier process left is known), events wait to be written to it.
      this.logMode = true;
      this.opening = this.openLog(this.log);
    }
  }

  private async openLog(log: SpillLog): Promise<void> {
    try {
      await log.open();
    } catch (error) {
      this.hooks.error(new BackendError(this.name, 'flush', `the spill could not be opened, events are held in memory only: ${messageOf(error)}`, { cause: error }));
      this.log = undefined;
      this.logMode = false;
      this.moveToQueue();
      return;
    }
    this.logReady = true;
    this.foreignBytes = log.unreadBytes;
    if (log.options.mode === 'overflow' && this.foreignBytes === 0) {
      this.logMode = false;
      this.moveToQueue();
    } else this.writeLog();
    this.pump();
  }

  /** Events waiting for the spill go to the queue instead (the queue is empty: their numbers follow on). */
  private moveToQueue(): void {
    const { events, sizes } = this.toLog;
    this.toLog = { events: [], seqs: [], sizes: [] };
    this.toLogBytes = 0;
    for (let i = 0; i < events.length; i++) this.queue.push(events[i]!, sizes[i]!);
    this.pump();
  }

  /** Queues `event` to be written to the spill (memory bounded as the queue is). */
  private enqueueLog(event: TrackedEvent, size: number, seq: number): boolean {
    if (this.toLogBytes + size > this.options.maxQueueBytes) return false;
    this.toLog.events.push(event);
    this.toLog.seqs.push(seq);
    this.toLog.sizes.push(size);
    this.toLogBytes += size;
    this.writeLog();
    return true;
  }

  /** Writes what waits for the spill, one append at a time (what arrives meanwhile goes in the next). */
  private writeLog(): void {
    if (!this.logReady || this.appending !== undefined || this.toLog.events.length === 0) return;
    const chunk = this.toLog;
    this.toLog = { events: [], seqs: [], sizes: [] };
    this.appending = this.append(chunk).finally(() => {
      this.appending = undefined;
      this.writeLog();
      this.pump();
    });
  }

  private async append(chunk: { events: TrackedEvent[]; seqs: number[]; sizes: number[] }): Promise<void> {
    let refused: ReadonlyArray<{ index: number; reason: string; error?: unknown }>;
    this.writing = chunk.seqs;
    try {
      refused = (await this.log!.append(chunk.events)).refused;
    } catch (error) {
      refused = chunk.events.map((_, index) => ({ index, reason: 'io-error', error }));
    }
    let r = 0;
    for (let i = 0; i < chunk.events.length; i++) {
      this.toLogBytes -= chunk.sizes[i]!;
      const refusal = refused[r]?.index === i ? refused[r++] : undefined;
      if (refusal === undefined) {
        this.logSeqs.push(chunk.seqs[i]!);
        this.spilledCount++;
        continue;
      }
      const reason: DropReason = refusal.reason === 'spill-full' ? 'spill-full' : refusal.reason === 'io-error' ? 'spill-error' : 'internal-error';
      this.drop([chunk.events[i]!], reason, refusal.error, chunk.seqs[i]!);
    }
    this.writing = [];
    if (refused.length > 0 && refused[0]!.error !== undefined) {
      this.hooks.error(new BackendError(this.name, 'flush', `writing to the spill failed: ${messageOf(refused[0]!.error)}`, { cause: refused[0]!.error }));
    }
    this.checkWaiters();
    this.checkPressure();
  }

  /** Switches to the spill (overflow): what the queue holds is written first, so the order is kept. */
  private enterLogMode(): void {
    this.logMode = true;
    const head = this.accepted - this.queue.length;
    // Counted as 0 bytes: new events get the whole bound while these are written (briefly up to twice the bound in memory).
    const events = this.queue.take(this.queue.length);
    for (let i = 0; i < events.length; i++) {
      this.toLog.events.push(events[i]!);
      this.toLog.seqs.push(head + i);
      this.toLog.sizes.push(0);
    }
    this.writeLog();
  }

  /** Reads the next batch back from the spill and sends it. */
  private async readLog(): Promise<void> {
    const log = this.log!;
    const foreign = this.foreignBytes > 0;
    const max = foreign ? this.options.batchSize : Math.min(this.options.batchSize, this.logSeqs.length);
    const corruptedBefore = log.counters.corruptedBytes;
    let read: SpillBatch;
    try {
      read = await log.readBatch(max, foreign ? this.foreignBytes : Number.POSITIVE_INFINITY);
    } catch (error) {
      this.reading = false;
      if (!this.logClosed) this.hooks.error(new BackendError(this.name, 'send', `reading the spill failed: ${messageOf(error)}`, { cause: error }));
      return;
    }
    this.reading = false;
    if (this.logClosed) return; // left unacknowledged: on disk for the next start
    const n = read.events.length;
    let seqs: Seqs;
    if (foreign) {
      this.foreignBytes -= read.bytes + (log.counters.corruptedBytes - corruptedBefore);
      if (n === 0 || this.foreignBytes < 0) this.foreignBytes = 0;
      seqs = new Array<number>(n).fill(-1);
    } else seqs = n === 0 ? [] : this.logSeqs.shift(n);
    if (n > 0) {
      const batch: Batch = {
        events: Object.freeze(read.events),
        first: typeof seqs === 'number' ? seqs : -1,
        seqs: typeof seqs === 'number' ? undefined : (seqs as number[]),
        attempt: 1,
        abandoned: false,
        retryTimer: undefined,
        spilled: read,
      };
      this.inFlight.add(batch);
      void this.send(batch);
    }
    this.leaveLogMode();
    this.pump();
  }

  /** With `overflow`, back to the queue once the spill is caught up. */
  private leaveLogMode(): void {
    if (!this.logMode || !this.logReady || this.log!.options.mode === 'always') return;
    if (this.toLog.events.length > 0 || this.appending !== undefined || this.reading || this.logSeqs.length > 0 || this.foreignBytes > 0) return;
    for (const batch of this.inFlight) if (batch.spilled !== undefined) return;
    this.logMode = false;
  }

  /** Starts reading the spill when a batch can go. */
  private pumpLog(): void {
    if (!this.logReady || this.logClosed || this.reading || this.inFlight.size >= this.options.maxInFlight) return;
    const own = this.logSeqs.length;
    if (this.foreignBytes > 0 || own >= this.options.batchSize || (own > 0 && (this.due || this.draining > 0 || this.above))) {
      this.reading = true;
      void this.readLog();
    }
  }

  /** Bytes held in memory waiting for the backend or the spill. */
  private get memoryBytes(): number {
    return this.queue.bytes + this.toLogBytes;
  }

  /** `true` while the queue is above its high-water mark (bytes, or half of `maxQueueSize`). */
  get pressured(): boolean {
    return this.above;
  }

  /**
   * Queues one event of `size` bytes (its estimated JSON length); O(1) but
   * for the events a full queue evicts, never throws, never calls the backend.
   * An event that cannot fit under `maxQueueBytes` even in an empty queue is
   * dropped (`queue-full`).
   */
  enqueue(event: TrackedEvent, size = 0): void {
    const { maxQueueBytes, maxQueueSize } = this.options;
    // With a spill, what would take the queue above its high-water mark goes to disk instead of waiting in memory.
    if (this.log !== undefined && !this.logMode && (this.queue.bytes + size > this.options.highWaterMark || this.queue.length + 1 > this.highCount)) this.enterLogMode();
    if (this.logMode) {
      if (!this.enqueueLog(event, size, this.accepted)) return this.drop([event], 'queue-full', undefined, undefined);
      this.accepted++;
      this.pressureUp();
      if (this.lingerTimer === undefined && !this.due) this.startLinger();
      return;
    }
    if (this.queue.bytes + size > maxQueueBytes || this.queue.length >= maxQueueSize) {
      if (this.options.overflow === 'drop-newest' || size > maxQueueBytes) {
        this.drop([event], 'queue-full', undefined, undefined);
        return;
      }
      let oldest = this.accepted - this.queue.length;
      while (this.queue.length > 0 && (this.queue.bytes + size > maxQueueBytes || this.queue.length >= maxQueueSize)) {
        this.drop([this.queue.shift()!], 'queue-full', undefined, oldest++);
      }
      this.checkWaiters();
    }
    this.queue.push(event, size);
    this.accepted++;
    this.pressureUp();
    // Above the mark, batches go without waiting to fill: a caller awaiting `drain` emits nothing more.
    if (this.queue.length >= this.options.batchSize || this.above) {
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
    // What an earlier process left in the spill is known once it is open: a flush delivers it too.
    if (this.opening !== undefined) await this.opening;
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
    await this.opening;
    if (this.log !== undefined) await this.closeLog();
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

  /**
   * Shutdown with a spill: what is still in memory (the queue, batches being
   * sent or retried) is written to the spill rather than dropped, batches read
   * from the spill are left there unacknowledged, and the spill is closed:
   * the next tracker on the folder delivers all of it.
   */
  private async closeLog(): Promise<void> {
    const log = this.log!;
    this.logClosed = true;
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const events: TrackedEvent[] = [];
    const seqs: number[] = [];
    for (const batch of [...this.inFlight].sort((a, b) => seqAt(a, 0) - seqAt(b, 0))) {
      batch.abandoned = true;
      if (batch.retryTimer !== undefined) clearTimeout(batch.retryTimer);
      this.inFlight.delete(batch);
      if (batch.spilled !== undefined) continue; // on disk already
      batch.events.forEach((event, i) => (events.push(event), seqs.push(seqAt(batch, i))));
    }
    const head = this.accepted - this.queue.length;
    this.queue.take(this.queue.length).forEach((event, i) => (events.push(event), seqs.push(head + i)));
    if (events.length > 0) {
      this.toLog.events.unshift(...events);
      this.toLog.seqs.unshift(...seqs);
      this.toLog.sizes.unshift(...events.map(() => 0));
    }
    while (this.appending !== undefined) await this.appending;
    if (this.logReady && this.toLog.events.length > 0) {
      const chunk = this.toLog;
      this.toLog = { events: [], seqs: [], sizes: [] };
      this.toLogBytes = 0;
      await this.append(chunk);
    }
    this.logReady = false;
    try {
      await log.close();
    } catch (error) {
      this.hooks.error(new BackendError(this.name, 'close', `closing the spill failed: ${messageOf(error)}`, { cause: error }));
    }
  }

  /** A snapshot of this backend's counters. */
  stats(): BackendStats {
    let inFlight = 0;
    for (const batch of this.inFlight) inFlight += batch.events.length;
    const stats: BackendStats = {
      ...this.counters,
      queued: this.queue.length + this.toLog.events.length + this.logSeqs.length,
      inFlight,
      dropReasons: { ...this.counters.dropReasons },
    };
    if (this.options.spill !== undefined) {
      const counters = this.log?.counters;
      stats.spill = {
        spilled: this.spilledCount,
        waiting: this.logSeqs.length,
        bytes: this.log?.bytes ?? 0,
        pendingBytes: this.log?.pendingBytes ?? 0,
        torn: counters?.torn ?? 0,
        corrupted: counters?.corrupted ?? 0,
      };
    }
    return stats;
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
      (this.queue.length >= batchSize || this.due || this.draining > 0 || this.above)
    ) {
      const first = this.accepted - this.queue.length;
      // Frozen: a backend that changed the array would change what a retry sends (and, under a Router, what sibling routes get).
      const events = Object.freeze(this.queue.take(batchSize));
      const batch: Batch = { events, first, seqs: undefined, attempt: 1, abandoned: false, retryTimer: undefined, spilled: undefined };
      this.inFlight.add(batch);
      void this.send(batch);
    }
    if (this.log !== undefined) this.pumpLog();
    if (this.queue.length === 0 && this.logSeqs.length === 0) this.due = false;
    else if (this.lingerTimer === undefined && !this.due) this.startLinger();
    this.checkPressure();
  }

  private pressureUp(): void {
    if (!this.above && (this.memoryBytes > this.options.highWaterMark || this.queue.length + this.toLog.events.length > this.highCount)) {
      this.above = true;
      this.hooks.pressure?.(this.name, true);
    }
  }

  /** Says when the queue is back under its high-water mark. */
  private checkPressure(): void {
    if (this.above && this.memoryBytes <= this.options.highWaterMark && this.queue.length + this.toLog.events.length <= this.highCount) {
      this.above = false;
      this.hooks.pressure?.(this.name, false);
    }
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
    // With a spill, retries never run out: a batch read from it stays there; one from the queue goes
    // there, or, when the spill already holds newer events, keeps being retried ahead of them.
    const spilling = this.log !== undefined && !this.logClosed;
    if (retry.length > 0 && batch.attempt > this.options.maxRetries && batch.spilled === undefined && !(spilling && this.logMode)) {
      if (spilling) this.spillBack(retry, retrySeqs);
      else if (this.backend.storedIds !== undefined) {
        if (retry !== events) {
          batch.events = Object.freeze(retry);
          batch.seqs = typeof retrySeqs === 'number' ? undefined : (retrySeqs as number[]);
        }
        void this.dropUnlessStored(batch, error);
        return;
      } else this.drop(retry, 'retries-exhausted', error, retrySeqs);
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
    // A server's Retry-After (`error.retryAfterMs`) is a minimum.
    const delay = Math.max(backoffDelay(batch.attempt - 1, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs), retryAfterOf(error));
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

  /**
   * A batch from the queue whose retries ran out goes to the spill, ahead of
   * what waits to be written (what the spill already holds is newer, and is
   * then delivered before it).
   */
  private spillBack(events: readonly TrackedEvent[], seqs: Seqs): void {
    const list = typeof seqs === 'number' ? events.map((_, i) => seqs + i) : [...seqs];
    this.toLog.events.unshift(...events);
    this.toLog.seqs.unshift(...list);
    this.toLog.sizes.unshift(...events.map(() => 0));
    if (!this.logMode) this.enterLogMode();
    else this.writeLog();
  }

  private finish(batch: Batch): void {
    this.inFlight.delete(batch);
    if (batch.spilled !== undefined && !batch.abandoned) {
      batch.spilled.ack().catch((error: unknown) => this.hooks.error(new BackendError(this.name, 'flush', `acknowledging in the spill failed: ${messageOf(error)}`, { cause: error })));
      this.leaveLogMode();
    }
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
    if (this.foreignBytes > 0) lowest = -1;
    const logged = this.logSeqs.head;
    if (logged !== undefined && logged < lowest) lowest = logged;
    for (const seq of [this.writing[0], this.toLog.seqs[0]]) if (seq !== undefined && seq < lowest) lowest = seq; // each kept in order
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
    n += this.logSeqs.countBelow(target) + countBelow(this.toLog.seqs, this.toLog.seqs.length, target) + countBelow(this.writing, this.writing.length, target);
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
    this.checkPressure();
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
