// CounterBackend through a real tracker into a real standalone Redis: exact
// totals for thousands of random events with random timestamps, checked
// against an independent computation, with every third delivery failing
// after the backend saw it (so the tracker re-sends those batches).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { CounterBackend } from '../../../src/backends/counters/CounterBackend.js';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { redisUrl, skipUnless, uniquePrefix } from '../../support/env.js';
import { flaky } from '../../unit/backends/counters/flaky.js';
import { checkCounters, emitWorkload, expectedOf, KEEP_FOREVER, makeWorkload, WORKLOAD_RULES } from '../../unit/backends/counters/workload.js';

describe('CounterBackend on a standalone Redis', { skip: skipUnless('redis') }, () => {
  let client: Redis;
  before(async () => {
    client = new Redis(redisUrl!);
    await client.ping();
  });
  after(async () => {
    await client.quit();
  });

  test('5000 random events through a tracker with failing deliveries: exact totals at all seven granularities', async () => {
    const workload = makeWorkload(20_240_101, 5000);
    const metrics = new Metrics({ store: new RedisCounterStore({ client, prefix: `${uniquePrefix('ctr')}:` }), retention: KEEP_FOREVER });
    try {
      const counters = new CounterBackend({ metrics, rules: WORKLOAD_RULES });
      const backend = flaky(counters, 'after');
      const tracker = createTracker({ backends: { counters: backend }, delivery: { batchSize: 250, retryBaseDelayMs: 1, retryMaxDelayMs: 5 } });
      tracker.on('error', () => undefined); // the injected failures; counted below
      emitWorkload(tracker, workload);
      const report = await tracker.shutdown();
      assert.equal(report.complete, true);
      const delivery = tracker.stats().backends['counters']!;
      assert.deepEqual([delivery.sent, delivery.dropped], [workload.events.length, 0]);
      assert.ok(backend.failures > 0 && counters.stats().duplicates > 0, 'batches were re-sent and recognised');

      const expected = expectedOf(workload, 'UTC');
      assert.equal(counters.stats().skipped, expected.skippedAmounts);
      // HyperLogLog: a few users per day are estimated within a small error.
      await checkCounters(metrics, workload, expected, 0.05);
      assert.ok((await metrics.clearAll()) > 0);
    } finally {
      await metrics.close();
    }
  });

  test('a backend given Metrics options owns them: close() flushes and closes the Metrics and its Redis connection', async () => {
    const prefix = `${uniquePrefix('own')}:`;
    const counters = new CounterBackend({ metrics: { store: new RedisCounterStore({ url: redisUrl!, prefix }) } });
    const tracker = createTracker({ backends: { counters } });
    for (let i = 0; i < 100; i++) tracker.emit(i % 2 === 0 ? 'a.even' : 'a.odd', { i });
    await tracker.shutdown();
    await assert.rejects(counters.metrics.getMetric('a.even'), /closed/);
    // Read back with a separate Metrics over the same prefix.
    const reader = new Metrics({ store: new RedisCounterStore({ client, prefix }) });
    try {
      const history = await reader.getMetricHistory(['a.even', 'a.odd'], { granularity: 'day', limit: 2 });
      assert.deepEqual(history.series.map((series) => series.total), [50, 50]);
      await reader.clearAll();
    } finally {
      await reader.close();
    }
  });
});
