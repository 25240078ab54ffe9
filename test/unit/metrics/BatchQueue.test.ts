import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchQueue, estimateOpBytes, type MetricsDropReason } from '../../../src/metrics/BatchQueue.js';
import type { CounterStore, WriteBatch, WriteResult } from '../../../src/metrics/CounterStore.js';
import { MemoryCounterStore } from '../../../src/metrics/memory/MemoryCounterStore.js';

function recordingStore(behaviour: (batch: WriteBatch, call: number) => Promise<WriteResult>): CounterStore & { ids: string[] } {
  const inner = new MemoryCounterStore();
  const ids: string[] = [];
  return Object.assign(Object.create(inner) as CounterStore, {
    ids,
    write: (batch: WriteBatch) => {
      ids.push(batch.id);
      return behaviour(batch, ids.length);
    },
  });
}

const ok: WriteResult = { applied: 1, duplicates: 0, rejectedOps: 0 };
const retry = { maxAttempts: 3, initialDelayMs: 10_000, maxDelayMs: 10_000 };

function hooks() {
  const log = { applied: 0, failed: 0, dropped: [] as [MetricsDropReason, number][] };
  return {
    log,
    hooks: {
      applied: () => void (log.applied += 1),
      failed: () => void (log.failed += 1),
      dropped: (reason: MetricsDropReason, writes: number) => void log.dropped.push([reason, writes]),
    },
  };
}

describe('BatchQueue', () => {
  it('sends batches in order and keeps the id of a failed batch for its retry', async () => {
    const store = recordingStore(async (_, call) => {
      if (call === 1) throw new Error('down');
      return ok;
    });
    const { log, hooks: h } = hooks();
    const queue = new BatchQueue(store, { retry, timeoutMs: 1000, maxPendingWrites: 100 }, h);
    queue.enqueue([{ kind: 'del', key: 'a' }], 1);
    queue.enqueue([{ kind: 'del', key: 'b' }], 1);
    await assert.rejects(queue.drain(), /down/);
    assert.equal(queue.length, 2, 'the failed batch and the one behind it wait');
    await queue.drain();
    assert.equal(store.ids.length, 3);
    assert.equal(store.ids[0], store.ids[1], 'same id on retry');
    assert.notEqual(store.ids[1], store.ids[2]);
    assert.deepEqual([log.applied, log.failed, queue.length, queue.pendingWrites], [2, 1, 0, 0]);
    queue.close();
  });

  it('times out a hanging write and reports it', async () => {
    const store = recordingStore(() => new Promise(() => undefined));
    const { log, hooks: h } = hooks();
    const queue = new BatchQueue(store, { retry, timeoutMs: 20, maxPendingWrites: 100 }, h);
    queue.enqueue([{ kind: 'del', key: 'a' }], 1);
    const keepAlive = setTimeout(() => undefined, 5000); // the queue's own timer is unref'd
    await assert.rejects(queue.drain(), { name: 'CounterStoreError', message: /did not finish within 20 ms/ });
    clearTimeout(keepAlive);
    assert.equal(log.failed, 1);
    queue.close();
    assert.deepEqual(log.dropped, [['closed', 1]]);
  });

  it('drops the oldest waiting batches beyond maxPendingBytes (the new one last), counted; the estimate errs high', () => {
    const store = recordingStore(async () => ok);
    const { log, hooks: h } = hooks();
    const op = (key: string) => ({ kind: 'hincr' as const, key, fields: ['01', '02'], values: [1, 2] });
    const one = estimateOpBytes(op('k1'));
    assert.ok(one >= 2 * 8 + 2 * 2 + 2, 'at least the strings and numbers it holds');
    const queue = new BatchQueue(store, { retry, timeoutMs: 1000, maxPendingWrites: 1000, maxPendingBytes: 3 * one }, h);
    for (let i = 1; i <= 5; i++) queue.enqueue([op(`k${i}`)], 2);
    assert.equal(queue.length, 3);
    assert.ok(queue.pendingBytes <= 3 * one);
    assert.deepEqual(log.dropped, [['overflow', 2], ['overflow', 2]]);
    queue.enqueue([op('k6'), op('k7'), op('k8'), op('k9')], 8); // bigger than the bound by itself: kept, the others go
    assert.equal(queue.length, 1);
    assert.equal(queue.pendingBytes, 4 * one);
    assert.equal(queue.pendingWrites, 8);
    assert.deepEqual(log.dropped, [['overflow', 2], ['overflow', 2], ['overflow', 2], ['overflow', 2], ['overflow', 2]]);
  });

  it('drops the oldest waiting batches beyond maxPendingWrites, counted', () => {
    const store = recordingStore(async () => ok);
    const { log, hooks: h } = hooks();
    const queue = new BatchQueue(store, { retry, timeoutMs: 1000, maxPendingWrites: 10 }, h);
    queue.enqueue([{ kind: 'del', key: 'a' }], 6);
    queue.enqueue([{ kind: 'del', key: 'b' }], 6);
    assert.deepEqual(log.dropped, [['overflow', 6]]);
    assert.equal(queue.pendingWrites, 6);
    queue.close();
  });
});
