// CounterBackend stores counts, not events, so instead of the shared backend
// conformance suite it passes this equivalent: every event emitted through a
// real tracker is counted exactly once — also when deliveries fail and are
// retried, and when a batch reaches the backend twice.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CounterBackend } from '../../../../src/backends/counters/CounterBackend.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';
import { MemoryCounterStore } from '../../../../src/metrics/memory/MemoryCounterStore.js';
import { Metrics } from '../../../../src/metrics/Metrics.js';
import { createTracker } from '../../../../src/tracker/createTracker.js';
import { flaky } from './flaky.js';
import { checkCounters, emitWorkload, expectedOf, KEEP_FOREVER, makeWorkload, WORKLOAD_RULES } from './workload.js';

describe('CounterBackend end to end (memory store): every emitted event counted exactly once', () => {
  for (const mode of ['none', 'before', 'after'] as const) {
    test(`thousands of random events${mode === 'none' ? '' : `, every third delivery failing ${mode} the backend saw it`}`, async () => {
      const workload = makeWorkload(mode.length * 7919, 4000);
      const metrics = new Metrics({ store: new MemoryCounterStore(), retention: KEEP_FOREVER });
      const counters = new CounterBackend({ metrics, rules: WORKLOAD_RULES });
      const backend = flaky(counters, mode);
      const tracker = createTracker({
        backends: { counters: backend },
        delivery: { batchSize: 97, maxQueueSize: 10_000, retryBaseDelayMs: 1, retryMaxDelayMs: 2, maxRetries: 5 },
      });
      const errors: unknown[] = [];
      tracker.on('error', (error) => errors.push(error));
      emitWorkload(tracker, workload);
      const report = await tracker.shutdown();
      assert.equal(report.complete, true);

      const delivery = tracker.stats().backends['counters']!;
      assert.equal(delivery.dropped, 0);
      assert.equal(delivery.sent, workload.events.length);
      if (mode !== 'none') {
        assert.ok(delivery.retried > 0 && backend.failures > 0);
        assert.equal(errors.length, backend.failures);
      } else assert.deepEqual(errors, []);

      const expected = expectedOf(workload, 'UTC');
      const stats = counters.stats();
      assert.equal(stats.received - stats.duplicates, workload.events.length);
      if (mode === 'after') assert.ok(stats.duplicates > 0, 'the re-sent batches were recognised');
      else assert.equal(stats.duplicates, 0);
      assert.equal(stats.skipped, expected.skippedAmounts);
      assert.deepEqual(stats.skipReasons, expected.skippedAmounts === 0 ? {} : { 'wrong-type': expected.skippedAmounts });

      await checkCounters(metrics, workload, expected, 0);
      await metrics.close();
    });
  }

  test('a batch sent twice straight to the backend is counted once (as the conformance suite checks for idempotent backends)', async () => {
    const metrics = new Metrics({ retention: KEEP_FOREVER });
    const counters = new CounterBackend({ metrics });
    const capture: TrackedEvent[] = [];
    const tracker = createTracker({ backends: { capture: (events) => void capture.push(...events) } });
    for (let i = 0; i < 5; i++) tracker.emit('conformance.retry', { i }, { timestamp: Date.UTC(2024, 0, 1) });
    await tracker.shutdown();
    counters.send(capture);
    counters.send(capture);
    await counters.flush();
    const history = await metrics.getMetricHistory('conformance.retry', { granularity: 'year', since: Date.UTC(2024, 0, 1), until: Date.UTC(2024, 0, 1) });
    assert.equal(history.series[0]!.total, 5);
    await counters.close();
    await metrics.close();
  });
});
