// Before events are reported dropped after their last retry, a backend that
// can tell which are stored after all (Backend.storedIds) is asked: those
// count as delivered, so no drop report is contradicted by the store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';

const FAST = { batchSize: 10, flushIntervalMs: 5, maxRetries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 2 };

function run(storedIds: ((events: readonly TrackedEvent[]) => Promise<readonly string[]>) | undefined) {
  const asked: number[] = [];
  const tracker = createTracker({
    backends: {
      b: {
        send: () => Promise.reject(new Error('reply lost')),
        ...(storedIds === undefined
          ? {}
          : {
              storedIds: (events: readonly TrackedEvent[]) => {
                asked.push(events.length);
                return storedIds(events);
              },
            }),
      },
    },
    delivery: FAST,
  });
  tracker.on('error', () => undefined);
  const drops: number[] = [];
  tracker.on('drop', (notice) => drops.push(notice.count));
  for (let i = 0; i < 3; i++) tracker.emit('x', { i });
  return { tracker, drops, asked };
}

describe('Backend.storedIds before a drop', () => {
  test('events found stored count as delivered; only the others are dropped', async () => {
    const { tracker, drops, asked } = run(async (events) => [events[0]!.id, events[2]!.id]);
    await tracker.flush(5_000);
    const stats = tracker.stats().backends['b']!;
    assert.deepEqual([stats.sent, stats.dropped, stats.queued, stats.inFlight], [2, 1, 0, 0]);
    assert.deepEqual(drops, [1]);
    assert.deepEqual(asked, [3]);
    await tracker.shutdown(1_000);
  });

  test('no answer: all are dropped, as without the hook', async () => {
    const { tracker, drops } = run(() => Promise.reject(new Error('unreachable')));
    await tracker.flush(5_000);
    const stats = tracker.stats().backends['b']!;
    assert.deepEqual([stats.sent, stats.dropped], [0, 3]);
    assert.deepEqual(drops, [3]);
    await tracker.shutdown(1_000);
  });
});
