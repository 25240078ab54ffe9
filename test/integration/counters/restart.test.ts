// Redis goes away in the middle of a run and comes back: the tracker's flush
// reports the failure, Metrics keeps the counts and retries them, and every
// event is counted exactly once in the end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { BackendError } from '../../../src/errors.js';
import { CounterBackend } from '../../../src/backends/counters/CounterBackend.js';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { skipUnlessBinary } from '../../support/env.js';
import { startRedis, type RedisServer } from '../../support/servers.js';
import { checkCounters, emitWorkload, expectedOf, KEEP_FOREVER, makeWorkload, WORKLOAD_RULES, type Workload } from '../../unit/backends/counters/workload.js';

describe('CounterBackend across a Redis restart', { skip: skipUnlessBinary('redis-server') }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  test('events emitted while Redis is down are counted once it is back', async () => {
    const workload = makeWorkload(77, 3000);
    const half = (part: 0 | 1): Workload => ({ ...workload, events: workload.events.filter((_, i) => i % 2 === part) });
    const store = new RedisCounterStore({ url: redis.url, redisOptions: { maxRetriesPerRequest: 1, retryStrategy: () => 100 } });
    const metrics = new Metrics({ store, retention: KEEP_FOREVER, flushTimeoutMs: 1000, retry: { maxAttempts: 30, initialDelayMs: 100, maxDelayMs: 500 } });
    const storeErrors: unknown[] = [];
    metrics.on('error', (error) => storeErrors.push(error));
    const counters = new CounterBackend({ metrics, rules: WORKLOAD_RULES });
    const tracker = createTracker({ backends: { counters } });
    const trackerErrors: unknown[] = [];
    tracker.on('error', (error) => trackerErrors.push(error));
    try {
      emitWorkload(tracker, half(0));
      await tracker.flush();
      assert.equal(trackerErrors.length, 0);

      // The test server runs without persistence; save on shutdown so the counts written so far survive the restart.
      const admin = new Redis(redis.url);
      await admin.config('SET', 'save', '3600 1');
      await admin.quit();
      await redis.halt();
      emitWorkload(tracker, half(1));
      await tracker.flush(5000);
      assert.ok(
        trackerErrors.some((e) => e instanceof BackendError && e.operation === 'flush'),
        'the failed flush is reported through the tracker',
      );
      assert.ok(storeErrors.length > 0);
      assert.equal(tracker.stats().backends['counters']!.dropped, 0, `the tracker delivered everything to the backend: ${JSON.stringify(tracker.stats().backends['counters'])}`);

      await redis.start();
      await metrics.flush(); // resolves once the retried batches are in
      assert.equal(metrics.stats().droppedWrites, 0);
      await checkCounters(metrics, workload, expectedOf(workload, 'UTC'), 0.05);
    } finally {
      await tracker.shutdown();
      await metrics.close();
    }
  });
});
