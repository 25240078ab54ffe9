import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';

describe('backpressure: emit() returns false above the high-water mark; drain()', () => {
  test('emit returns true under the mark, false above it, and drain resolves (and is emitted) once back under', async () => {
    let release: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    const tracker = createTracker({
      backends: { slow: async (events: readonly TrackedEvent[]) => (await gate, void delivered.push(...events.map((e) => e.name))) },
      delivery: { maxQueueBytes: 20_000, batchSize: 10, flushIntervalMs: 1 },
      warnings: false,
    });
    let drains = 0;
    tracker.on('drain', () => drains++);
    const drained = tracker.drain();
    await drained; // nothing queued: at once
    const results: boolean[] = [];
    // About 150 bytes each: the mark (10 000 bytes) is crossed after ~66 events.
    for (let i = 0; i < 80; i++) results.push(tracker.emit(`e${i}`, { pad: 'x'.repeat(40) }));
    const firstFalse = results.indexOf(false);
    assert.ok(firstFalse > 30 && firstFalse < 80, `first false at ${firstFalse}`);
    assert.ok(results.slice(firstFalse).every((r) => !r), 'stays false while above the mark');
    let resolved = false;
    const waiting = tracker.drain().then(() => (resolved = true));
    await sleep(20);
    assert.equal(resolved, false, 'drain resolved while the backend had taken nothing');
    assert.equal(drains, 0);
    release();
    gate = Promise.resolve();
    await waiting;
    assert.equal(drains, 1);
    assert.equal(tracker.emit('after', {}), true);
    const report = await tracker.shutdown();
    assert.equal(report.complete, true);
    assert.equal(delivered.length, 81);
    assert.equal(tracker.stats().backends['slow']!.dropped, 0);
  });

  test('a batch job that honours it loses nothing at any volume (300 000 events to a slow backend)', async () => {
    const EVENTS = 300_000;
    let received = 0;
    let last = -1;
    let inOrder = true;
    const tracker = createTracker({
      backends: {
        slow: async (events: readonly TrackedEvent[]) => {
          await sleep(1); // a slow backend: far slower than the loop emits
          for (const event of events) {
            const i = (event.data as { i: number }).i;
            if (i !== last + 1) inOrder = false;
            last = i;
          }
          received += events.length;
        },
      },
      // A small bound, so that an emit loop that did not honour it would lose most events.
      delivery: { maxQueueBytes: 256 * 1024, batchSize: 1_000 },
      warnings: false,
    });
    let waits = 0;
    for (let i = 0; i < EVENTS; i++) {
      if (!tracker.emit('job.row', { i, status: 'ok' })) {
        waits++;
        await tracker.drain();
      }
    }
    const report = await tracker.shutdown(30_000);
    const stats = tracker.stats().backends['slow']!;
    assert.ok(waits > 10, `the loop never had to wait (${waits})`);
    assert.equal(stats.dropped, 0, JSON.stringify(stats.dropReasons));
    assert.equal(report.complete, true);
    assert.equal(received, EVENTS);
    assert.ok(inOrder);
  });

  test('the same loop ignoring the return value loses events to a bound that small (the test above can fail)', async () => {
    let received = 0;
    const tracker = createTracker({
      backends: { slow: async (events: readonly TrackedEvent[]) => (await sleep(1), void (received += events.length)) },
      delivery: { maxQueueBytes: 256 * 1024, batchSize: 1_000 },
      warnings: false,
    });
    for (let i = 0; i < 50_000; i++) tracker.emit('job.row', { i, status: 'ok' });
    await tracker.shutdown(30_000);
    const stats = tracker.stats().backends['slow']!;
    assert.ok((stats.dropReasons['queue-full'] ?? 0) > 0);
    assert.equal(received + stats.dropped, 50_000);
  });

  test('a removed backend above its mark no longer holds emit at false', async () => {
    const tracker = createTracker({
      backends: { stuck: () => new Promise<void>(() => undefined) },
      delivery: { maxQueueBytes: 2_000, batchSize: 1_000, sendTimeoutMs: 100_000 },
      warnings: false,
    });
    while (tracker.emit('x', { pad: 'y'.repeat(50) }));
    let drained = false;
    const waiting = tracker.drain().then(() => (drained = true));
    await tracker.removeBackend('stuck', 50);
    await waiting;
    assert.equal(drained, true);
    assert.equal(tracker.emit('x', {}), true);
    await tracker.shutdown();
  });
});
