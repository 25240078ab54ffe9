// Scenario: Redis Cluster (3 masters, AOF appendfsync always, no replicas)
// under CounterBackend while counts stream in: one master hung with SIGSTOP
// for a second (what already holds: totals exact), and one master SIGKILLed
// and restarted on the same port, data and nodes.conf well before the cluster
// would declare it failed. Totals exact: the hang already holds; the crash
// exposes a defect (see its test).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { skipUnlessBinary, uniquePrefix } from '../support/env.js';
import { checkCounters, emitWorkload, expectedOf, makeWorkload } from '../unit/backends/counters/workload.js';
import { counterPipeline, countedEvents, settle } from './counters.common.js';
import { faultyCluster, figures, peakRssMiB, sleep, type FaultyCluster } from './faults.js';

describe('scenario: Redis Cluster node faults under CounterBackend', { skip: skipUnlessBinary('redis-server'), timeout: 120_000 }, () => {
  let cluster: FaultyCluster;
  before(async () => {
    cluster = await faultyCluster();
  });
  after(async () => {
    for (let i = 0; i < cluster.nodes.length; i++) cluster.node(i).resume();
    await cluster.stop();
  });

  async function run(name: string, seed: number, fault: (chunk: number) => Promise<void> | void): Promise<void> {
    const workload = makeWorkload(seed, 3000);
    const p = counterPipeline({ cluster: cluster.nodes, prefix: `${uniquePrefix('cl')}:` });
    const started = performance.now();
    try {
      for (let i = 0; i * 100 < workload.events.length; i++) {
        await fault(i);
        emitWorkload(p.tracker, { ...workload, events: workload.events.slice(i * 100, (i + 1) * 100) });
        await sleep(40);
      }
      await p.tracker.flush(20_000);
      const settled = await settle(p.metrics, 10_000);
      const stats = p.metrics.stats();
      const counted = settled.settled ? await countedEvents(p.metrics, workload) : -1;
      figures(name, {
        events: workload.events.length,
        counted,
        settled: settled.settled,
        failedFlushes: stats.failedFlushes,
        droppedWrites: stats.droppedWrites,
        pendingWrites: stats.pendingWrites,
        duplicatePartsSkipped: stats.duplicateParts,
        elapsedMs: Math.round(performance.now() - started),
        peakRssMiB: peakRssMiB(),
      });
      assert.equal(settled.settled, true, `Metrics did not settle within 10 s: ${String(settled.lastError)}`);
      assert.equal(stats.droppedWrites, 0, JSON.stringify(stats));
      assert.ok(stats.failedFlushes > 0, 'the fault must have failed some flushes');
      assert.equal(counted, workload.events.length);
      await checkCounters(p.metrics, workload, expectedOf(workload, 'UTC'), 0.05);
    } finally {
      await p.close();
    }
  }

  test('a master SIGSTOPped for 1 s, then SIGCONT: totals exact at all 7 granularities', { timeout: 60_000 }, async () => {
    await run('cluster-node-sigstop-sigcont', 3030, async (i) => {
      if (i === 6) cluster.node(1).hang();
      if (i === 20) cluster.node(1).resume();
    });
  });

  // DEFECT (found by this suite; not in issue #10's list, same theme): after
  // a master is SIGKILLed and restarted (same port, data and nodes.conf, back
  // after 2 s, before the cluster would mark it failed), RedisCounterStore's
  // writes fail for good with `MOVED <slot> <the restarted node>`: ioredis
  // dropped the dead node from its connection pool (a slot refresh while it
  // was down), nothing refreshes the slot map afterwards (ioredis has no
  // `slotsRefreshInterval` by default), so each per-node pipeline goes to a
  // random node, and ioredis only follows a pipeline's MOVED when every reply
  // names the same slot. On main: thousands of writes dropped, totals wrong.
  // Single commands on the same client recover at once.
  test('DEFECT (cluster): a master SIGKILLed and restarted 2 s later: totals exact at all 7 granularities', { timeout: 60_000 }, async () => {
    await run('cluster-node-sigkill-restart', 4040, async (i) => {
      if (i === 6) await cluster.node(0).crash();
      if (i === 12) {
        await sleep(2_000);
        await cluster.node(0).restart();
      }
    });
  });
});
