// CounterBackend through a real tracker into a real 3-master Redis Cluster:
// exact totals for thousands of random events with random timestamps, in a
// DST time zone, checked against an independent computation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Cluster } from 'ioredis';
import { CounterBackend } from '../../../src/backends/counters/CounterBackend.js';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { redisClusterNodes, skipUnless, uniquePrefix } from '../../support/env.js';
import { flaky } from '../../unit/backends/counters/flaky.js';
import { checkCounters, emitWorkload, expectedOf, KEEP_FOREVER, makeWorkload, WORKLOAD_RULES } from '../../unit/backends/counters/workload.js';

describe('CounterBackend on a 3-master Redis Cluster', { skip: skipUnless('cluster') }, () => {
  let client: Cluster;
  before(async () => {
    client = new Cluster(redisClusterNodes!);
    await client.ping();
  });
  after(async () => {
    await client.quit();
  });

  test('5000 random events in Europe/Berlin with failing deliveries: exact totals, keys spread over every master', async () => {
    const workload = makeWorkload(3, 5000);
    const prefix = `${uniquePrefix('ctr')}:`;
    const metrics = new Metrics({ store: new RedisCounterStore({ client, prefix }), retention: KEEP_FOREVER, timeZone: 'Europe/Berlin' });
    try {
      const counters = new CounterBackend({ metrics, rules: WORKLOAD_RULES });
      const backend = flaky(counters, 'after');
      const tracker = createTracker({ backends: { counters: backend }, delivery: { batchSize: 250, retryBaseDelayMs: 1, retryMaxDelayMs: 5 } });
      tracker.on('error', () => undefined); // the injected failures
      emitWorkload(tracker, workload);
      const report = await tracker.shutdown();
      assert.equal(report.complete, true);
      assert.equal(tracker.stats().backends['counters']!.dropped, 0);
      assert.ok(counters.stats().duplicates > 0);

      const perMaster = await Promise.all(client.nodes('master').map(async (node) => (await node.keys(`${prefix}*`)).length));
      assert.equal(perMaster.filter((n) => n > 0).length, 3, `keys on every master: ${perMaster.join(', ')}`);

      const expected = expectedOf(workload, 'Europe/Berlin');
      await checkCounters(metrics, workload, expected, 0.05);
      await metrics.clearAll();
    } finally {
      await metrics.close();
    }
  });
});
