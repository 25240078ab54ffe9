// Scenario: `tracker.flush()` while the application keeps emitting, with a
// backend that sends several batches at once (maxInFlight 2, as MongoBackend
// by default) and whose first batch is slow (a server stalling on one
// request). No server is needed: the backend is the application's own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrackedEvent } from '../../src/event/TrackedEvent.js';
import { createTracker } from '../../src/tracker/createTracker.js';
import { figures, sleep } from './faults.js';

describe('scenario: flush under continuous emits', { timeout: 30_000 }, () => {
  // DEFECT 3 (issue #10, fixed by the "core" helper): flush() counts settled
  // events, not the events accepted before it, so a later batch finishing
  // first makes it resolve as complete while earlier events are still in
  // flight (on main: complete after ~10 ms with all 50 earlier events
  // undelivered). flush() must resolve only once every event emitted before
  // it is delivered.
  test('DEFECT 3: flush() at maxInFlight 2 resolves only after every event emitted before it is delivered', async () => {
    let deliveredBefore = 0;
    let batches = 0;
    const backend = {
      async send(events: readonly TrackedEvent[]) {
        batches += 1;
        await sleep(batches === 1 ? 400 : 5); // the first batch stalls
        for (const e of events) if (e.name === 'flush.before') deliveredBefore += 1;
      },
    };
    const tracker = createTracker({ backends: { app: { backend, delivery: { maxInFlight: 2, batchSize: 50, flushIntervalMs: 10 } } } });
    let dropped = 0;
    tracker.on('drop', (notice) => {
      dropped += notice.count;
    });
    let done = false;
    try {
      for (let i = 0; i < 50; i++) tracker.emit('flush.before', { i });
      const started = performance.now();
      const flushing = tracker.flush(10_000);
      // The application keeps emitting while flush() runs.
      let after = 0;
      const keepEmitting = (async () => {
        while (!done) {
          for (let i = 0; i < 50; i++) tracker.emit('flush.after', { i: after++ });
          await sleep(5);
        }
      })();
      const report = await flushing;
      const atResolve = deliveredBefore;
      const tookMs = Math.round(performance.now() - started);
      done = true;
      await keepEmitting;
      figures('flush-max-in-flight', {
        emittedBefore: 50,
        deliveredWhenFlushResolved: atResolve,
        undeliveredWhenFlushResolved: 50 - atResolve,
        flushMs: tookMs,
        complete: report.complete,
        emittedDuringFlush: after,
      });
      assert.equal(report.complete, true);
      assert.equal(atResolve, 50, `flush() resolved (complete: ${report.complete}) after ${tookMs} ms with ${50 - atResolve} of the 50 earlier events undelivered`);
      assert.equal(dropped, 0);
    } finally {
      done = true;
      await tracker.shutdown(5_000);
    }
  });
});
