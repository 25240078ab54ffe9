// A timed-out send is not cancelled: the write may be held by a hung server
// and land when it resumes. For a backend that can confirm (storedIds), a
// batch whose attempts are still running is never reported dropped: it stays
// in flight ("in doubt") until they settle, then what is stored is read back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';

const FAST = { batchSize: 3, flushIntervalMs: 5, maxRetries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 2, sendTimeoutMs: 20 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A backend whose sends hang until `resume(store)`: then each held send stores its events (or fails). */
function hungBackend() {
  const stored = new Set<string>();
  const held: { events: readonly TrackedEvent[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  let sends = 0;
  return {
    stored,
    get sends() {
      return sends;
    },
    backend: {
      send: (events: readonly TrackedEvent[]) => {
        sends++;
        return new Promise<void>((resolve, reject) => held.push({ events, resolve, reject }));
      },
      storedIds: async (events: readonly TrackedEvent[]) => events.filter((e) => stored.has(e.id)).map((e) => e.id),
    },
    resume(store: boolean) {
      for (const h of held.splice(0)) {
        if (store) {
          for (const e of h.events) stored.add(e.id);
          h.resolve();
        } else h.reject(new Error('connection reset'));
      }
    },
  };
}

function start(fake: ReturnType<typeof hungBackend>) {
  const tracker = createTracker({ backends: { b: fake.backend }, delivery: FAST });
  const errors: number[] = [];
  tracker.on('error', (e) => errors.push((e as { attempt?: number }).attempt ?? 0));
  const drops: number[] = [];
  tracker.on('drop', (notice) => drops.push(notice.count));
  for (let i = 0; i < 3; i++) tracker.emit('x', { i });
  return { tracker, drops, errors };
}

describe('a batch whose timed-out sends still run is in doubt, not dropped', () => {
  test('sends that land after their timeout: reported sent, never dropped', async () => {
    const fake = hungBackend();
    const { tracker, drops, errors } = start(fake);
    await sleep(200); // both attempts timed out long ago, retries exhausted
    assert.equal(fake.sends, 2);
    assert.ok(errors.includes(2), 'the last attempt failed');
    let stats = tracker.stats().backends['b']!;
    assert.deepEqual([stats.sent, stats.dropped, stats.queued, stats.inFlight], [0, 0, 0, 3], 'in doubt: counted in flight');
    fake.resume(true);
    assert.equal((await tracker.flush(2_000)).complete, true);
    stats = tracker.stats().backends['b']!;
    assert.deepEqual([stats.sent, stats.dropped, stats.inFlight], [3, 0, 0]);
    assert.deepEqual(drops, []);
    await tracker.shutdown(1_000);
  });

  test('sends that fail in the end: reported dropped (retries-exhausted) only then', async () => {
    const fake = hungBackend();
    const { tracker, drops } = start(fake);
    await sleep(200);
    assert.deepEqual(drops, []);
    fake.resume(false);
    await tracker.flush(2_000);
    const stats = tracker.stats().backends['b']!;
    assert.deepEqual([stats.sent, stats.dropped, stats.inFlight], [0, 3, 0]);
    assert.deepEqual(stats.dropReasons, { 'retries-exhausted': 3 });
    assert.deepEqual(drops, [3]);
    await tracker.shutdown(1_000);
  });

  test('shutdown still ends at its deadline: the in-doubt batch is abandoned with its reason', async () => {
    const fake = hungBackend();
    const { tracker, drops } = start(fake);
    await sleep(200);
    const began = performance.now();
    await tracker.shutdown(300);
    assert.ok(performance.now() - began < 1_500);
    const stats = tracker.stats().backends['b']!;
    assert.deepEqual([stats.sent, stats.dropped, stats.inFlight], [0, 3, 0]);
    assert.deepEqual(drops, [3]);
    fake.resume(true); // late: already reported, nothing changes
    await sleep(20);
    assert.equal(tracker.stats().backends['b']!.sent, 0);
  });
});
