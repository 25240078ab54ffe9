import type * as crypto from 'node:crypto';
import { builtin } from '../event/builtin.js';
import { CounterStoreError, TimeoutError } from '../errors.js';
import type { CounterStore, WriteOp, WriteResult } from './CounterStore.js';
import type { MetricsRetryOptions } from './MetricsOptions.js';

/** Why writes were dropped. */
export type MetricsDropReason = 'retries_exhausted' | 'overflow' | 'closed';

/** Callbacks of a {@link BatchQueue}. */
export interface BatchQueueHooks {
  applied(writes: number, durationMs: number, result: WriteResult): void;
  failed(error: CounterStoreError): void;
  dropped(reason: MetricsDropReason, writes: number, error?: unknown): void;
}

interface PendingBatch {
  readonly id: string;
  readonly ops: readonly WriteOp[];
  readonly writes: number;
  /** Estimated heap bytes (see `estimateOpBytes`). */
  readonly bytes: number;
  attempts: number;
}

// Heap cost of a queued op, measured on Node 22 (V8): an op object with its arrays, per field or member a string
// (header plus one byte per Latin-1 character) and an array slot for it and its value. The estimate is used only to
// bound memory; it errs high.
const OP_BYTES = 340;
const ITEM_BYTES = 40;

/** Estimated heap bytes of one write op held for sending. */
export function estimateOpBytes(op: WriteOp): number {
  let bytes = OP_BYTES + op.key.length;
  switch (op.kind) {
    case 'hincr':
    case 'hset':
      for (const field of op.fields) bytes += ITEM_BYTES + field.length;
      if (op.fieldExpiries !== undefined) bytes += 8 * op.fieldExpiries.length;
      break;
    case 'pfadd':
    case 'sadd':
    case 'srem':
      for (const member of op.members) bytes += ITEM_BYTES + member.length;
      break;
    case 'set':
      bytes += ITEM_BYTES + op.value.length;
      break;
    case 'hsetadjust':
      bytes += 2 * ITEM_BYTES + op.field.length + op.counterKey.length + op.counterField.length;
      break;
    case 'del':
      break;
  }
  return bytes;
}

/**
 * Flush batches on their way to the store, oldest first. A batch keeps its id
 * across retries, so the store applies it at most once even when a reply was
 * lost. A failed batch stays at the head (later ones wait, which keeps
 * `setMetric` ordered after earlier increments) and is retried with
 * exponential backoff on an unref'd timer until `maxAttempts`, then dropped
 * and reported. Sends never overlap. What is queued stays within
 * `maxPendingWrites` writes and `maxPendingBytes` estimated bytes: beyond
 * either, the oldest batches not in flight are dropped (`overflow`); the
 * newest is kept, so the bound is passed only by a single batch that is
 * larger than it by itself (plus the one in flight).
 */
export class BatchQueue {
  private readonly queue: PendingBatch[] = [];
  private readonly idPrefix = builtin<typeof crypto>('node:crypto').randomBytes(6).toString('base64url');
  private sequence = 0;
  private tail: Promise<void> = Promise.resolve();
  private inFlight: PendingBatch | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Writes queued (in flight included). */
  pendingWrites = 0;
  /** Estimated heap bytes of the queued batches (in flight included). */
  pendingBytes = 0;

  constructor(
    private readonly store: CounterStore,
    private readonly options: { retry: Required<MetricsRetryOptions>; timeoutMs: number; maxPendingWrites: number; maxPendingBytes?: number },
    private readonly hooks: BatchQueueHooks,
  ) {}

  /** Batches waiting (in flight included). */
  get length(): number {
    return this.queue.length;
  }

  /** True while a failed batch waits for its backoff delay (a send now would cut the backoff short). */
  get waitingForRetry(): boolean {
    return this.retryTimer !== undefined;
  }

  /** Queues a batch of `writes` coalesced writes. */
  enqueue(ops: readonly WriteOp[], writes: number): void {
    if (ops.length === 0) return;
    this.sequence += 1;
    let bytes = 0;
    for (const op of ops) bytes += estimateOpBytes(op);
    this.queue.push({ id: `${this.idPrefix}.${this.sequence}`, ops, writes, bytes, attempts: 0 });
    this.pendingWrites += writes;
    this.pendingBytes += bytes;
    const maxBytes = this.options.maxPendingBytes ?? Number.POSITIVE_INFINITY;
    while (this.pendingWrites > this.options.maxPendingWrites || this.pendingBytes > maxBytes) {
      // The batch in flight (always at the head) stays: it may be applied already. So does the new one when it is
      // the only one left: a single batch (bounded by maxBufferedWrites) larger than the bound must not be lost
      // while the store works.
      const index = this.queue[0] === this.inFlight ? 1 : 0;
      if (index >= this.queue.length - 1) break;
      const [victim] = this.queue.splice(index, 1);
      this.pendingWrites -= victim!.writes;
      this.pendingBytes -= victim!.bytes;
      this.hooks.dropped('overflow', victim!.writes);
    }
  }

  /** Sends every queued batch; resolves when all batches queued before the call are applied or dropped. */
  drain(): Promise<void> {
    const run = this.tail.then(() => this.sendAll());
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Forgets every queued batch (not the one in flight); returns how many writes. */
  clear(): number {
    let writes = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i] === this.inFlight) continue;
      writes += this.queue[i]!.writes;
      this.pendingBytes -= this.queue[i]!.bytes;
      this.queue.splice(i, 1);
    }
    this.pendingWrites -= writes;
    return writes;
  }

  /** Stops retrying; batches still queued are dropped with reason `closed`. */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const writes = this.clear();
    if (writes > 0) this.hooks.dropped('closed', writes);
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      batch.attempts += 1;
      const started = performance.now();
      this.inFlight = batch;
      try {
        const result = await this.writeWithTimeout(batch);
        this.remove(batch);
        this.hooks.applied(batch.writes, performance.now() - started, result);
      } catch (cause) {
        const error = new CounterStoreError('write', cause instanceof Error ? cause.message : String(cause), {
          cause,
          attempt: batch.attempts,
          writes: batch.writes,
        });
        this.hooks.failed(error);
        if (batch.attempts >= this.options.retry.maxAttempts || this.closed) {
          this.remove(batch);
          this.hooks.dropped('retries_exhausted', batch.writes, error);
          continue;
        }
        this.scheduleRetry(batch.attempts);
        throw error;
      } finally {
        this.inFlight = undefined;
      }
    }
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private remove(batch: PendingBatch): void {
    const index = this.queue.indexOf(batch);
    if (index !== -1) {
      this.queue.splice(index, 1);
      this.pendingWrites -= batch.writes;
      this.pendingBytes -= batch.bytes;
    }
  }

  private writeWithTimeout(batch: PendingBatch): Promise<WriteResult> {
    const write = this.store.write({ id: batch.id, ops: batch.ops, deadline: Date.now() + this.options.timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError('counter store write', this.options.timeoutMs)), this.options.timeoutMs);
      timer.unref();
    });
    write.catch(() => undefined); // a late failure after the timeout is already reported
    return Promise.race([write, timeout]).finally(() => clearTimeout(timer));
  }

  private scheduleRetry(attempts: number): void {
    if (this.closed || this.retryTimer !== undefined) return;
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempts - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.drain().catch(() => undefined);
    }, delay);
    this.retryTimer.unref();
  }
}
