// Metrics.close(timeoutMs): bounded whatever the store does, the store gets
// what is left of the deadline, and writes not applied are dropped, counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WriteBatch, WriteResult } from '../../../src/metrics/CounterStore.js';
import { DEFAULT_METRICS_CLOSE_TIMEOUT_MS, Metrics } from '../../../src/metrics/Metrics.js';
import { MemoryCounterStore } from '../../../src/metrics/memory/MemoryCounterStore.js';

/** A store whose writes never answer (a hung server) and which records how long close() was given. */
class HungStore extends MemoryCounterStore {
  closeTimeouts: (number | undefined)[] = [];
  batches: WriteBatch[] = [];
  override write(batch: WriteBatch): Promise<WriteResult> {
    this.batches.push(batch);
    return new Promise(() => undefined);
  }
  override async close(timeoutMs?: number): Promise<void> {
    this.closeTimeouts.push(timeoutMs);
  }
}

describe('Metrics.close(timeoutMs)', () => {
  test('returns by its deadline with the store hung; the store is closed with what is left of it', async () => {
    const store = new HungStore();
    const metrics = new Metrics({ store, flushTimeoutMs: 60_000, flushIntervalMs: 60_000 });
    const drops: number[] = [];
    metrics.on('drop', (info) => drops.push(info.writes));
    metrics.metric('hung', 1);
    const started = Date.now();
    await metrics.close(150);
    const took = Date.now() - started;
    assert.ok(took >= 140 && took < 1000, `close took ${took} ms`);
    assert.equal(store.closeTimeouts.length, 1);
    assert.ok(store.closeTimeouts[0]! >= 0 && store.closeTimeouts[0]! <= 20, `store got ${store.closeTimeouts[0]} ms`);
    assert.equal(metrics.close(5), metrics.close(), 'idempotent');
  });

  test('each write batch carries its deadline: the flush timeout from when it was sent', async () => {
    const store = new HungStore();
    const metrics = new Metrics({ store, flushTimeoutMs: 5_000, flushIntervalMs: 60_000 });
    metrics.metric('x', 1);
    const before = Date.now();
    void metrics.flush().catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    const deadline = store.batches[0]?.deadline;
    assert.ok(deadline !== undefined && deadline >= before + 5_000 && deadline <= Date.now() + 5_000, String(deadline));
    await metrics.close(0);
  });

  test('the default deadline is documented and a bad one is refused', async () => {
    assert.equal(DEFAULT_METRICS_CLOSE_TIMEOUT_MS, 5000);
    const metrics = new Metrics({ store: new MemoryCounterStore() });
    assert.throws(() => metrics.close(-1), { name: 'ConfigurationError' });
    await metrics.close();
  });
});
