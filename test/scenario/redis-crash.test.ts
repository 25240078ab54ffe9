// Scenario: redis-server (AOF appendfsync always) is SIGKILLed while counts
// stream in, and restarted on the same port and data; then it is hung with
// SIGSTOP and resumed with SIGCONT. Every count must be exact afterwards, at
// all seven granularities, per user and as unique counts (what already holds).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { skipUnlessBinary, uniquePrefix } from '../support/env.js';
import { checkCounters, emitWorkload, expectedOf, makeWorkload, type Workload } from '../unit/backends/counters/workload.js';
import { counterPipeline, countedEvents, settle } from './counters.common.js';
import { faultyRedis, figures, peakRssMiB, sleep, type FaultyRedis } from './faults.js';

/** Emits `workload` in chunks of `chunk` events every `everyMs`, calling `at(i)` before chunk i. */
async function stream(workload: Workload, chunk: number, everyMs: number, at: (i: number) => Promise<void> | void, emit: (w: Workload) => void): Promise<void> {
  for (let i = 0; i * chunk < workload.events.length; i++) {
    await at(i);
    emit({ ...workload, events: workload.events.slice(i * chunk, (i + 1) * chunk) });
    await sleep(everyMs);
  }
}

describe('scenario: Redis crash and hang under CounterBackend', { skip: skipUnlessBinary('redis-server'), timeout: 90_000 }, () => {
  let redis: FaultyRedis;
  before(async () => {
    redis = await faultyRedis();
  });
  after(async () => {
    redis.resume();
    await redis.stop();
  });

  test('SIGKILL mid-stream, restart on the same AOF: totals exact at all 7 granularities', { timeout: 60_000 }, async () => {
    const workload = makeWorkload(1010, 3000);
    const p = counterPipeline({ url: redis.url, prefix: `${uniquePrefix('crash')}:`, redisOptions: { maxRetriesPerRequest: 1, retryStrategy: () => 50 } });
    const started = performance.now();
    let downMs = 0;
    try {
      // 30 chunks of 100 events, 20 ms apart; the server dies before chunk 10 and is back before chunk 20.
      await stream(workload, 100, 20, async (i) => {
        if (i === 10) {
          await redis.crash();
          downMs = performance.now();
        }
        if (i === 20) {
          await redis.restart();
          downMs = performance.now() - downMs;
        }
      }, (w) => emitWorkload(p.tracker, w));
      const report = await p.tracker.flush(20_000);
      assert.equal(report.complete, true);
      const settled = await settle(p.metrics, 20_000);
      assert.equal(settled.settled, true, `Metrics did not settle: ${String(settled.lastError)}`);
      const stats = p.metrics.stats();
      assert.equal(stats.droppedWrites, 0, JSON.stringify(stats));
      assert.ok(stats.failedFlushes > 0, 'the crash must have failed some flushes');
      const counted = await countedEvents(p.metrics, workload);
      figures('redis-sigkill-restart', {
        events: workload.events.length,
        counted,
        lost: Math.max(0, workload.events.length - counted),
        duplicated: Math.max(0, counted - workload.events.length),
        failedFlushes: stats.failedFlushes,
        duplicatePartsSkipped: stats.duplicateParts,
        downMs: Math.round(downMs),
        elapsedMs: Math.round(performance.now() - started),
        peakRssMiB: peakRssMiB(),
      });
      assert.equal(counted, workload.events.length);
      await checkCounters(p.metrics, workload, expectedOf(workload, 'UTC'), 0.05);
    } finally {
      await p.close();
    }
  });

  test('SIGSTOP for 1.5 s then SIGCONT: nothing dropped, totals exact at all 7 granularities', { timeout: 60_000 }, async () => {
    const workload = makeWorkload(2020, 3000);
    const p = counterPipeline({ url: redis.url, prefix: `${uniquePrefix('hang')}:` });
    const started = performance.now();
    let hungAt = 0;
    let hungMs = 0;
    try {
      await stream(workload, 100, 20, async (i) => {
        if (i === 10) {
          redis.hang();
          hungAt = performance.now();
        }
        if (i === 20) {
          await sleep(Math.max(0, 1500 - (performance.now() - hungAt)));
          redis.resume();
          hungMs = performance.now() - hungAt;
        }
      }, (w) => emitWorkload(p.tracker, w));
      await p.tracker.flush(20_000);
      const settled = await settle(p.metrics, 20_000);
      assert.equal(settled.settled, true, `Metrics did not settle: ${String(settled.lastError)}`);
      const stats = p.metrics.stats();
      const counted = await countedEvents(p.metrics, workload);
      figures('redis-sigstop-sigcont', {
        events: workload.events.length,
        counted,
        lost: Math.max(0, workload.events.length - counted),
        duplicated: Math.max(0, counted - workload.events.length),
        failedFlushes: stats.failedFlushes,
        droppedWrites: stats.droppedWrites,
        duplicatePartsSkipped: stats.duplicateParts,
        hungMs: Math.round(hungMs),
        elapsedMs: Math.round(performance.now() - started),
        peakRssMiB: peakRssMiB(),
      });
      assert.equal(stats.droppedWrites, 0, JSON.stringify(stats));
      assert.ok(stats.failedFlushes > 0, 'the hang must have timed out some flushes');
      assert.equal(counted, workload.events.length);
      await checkCounters(p.metrics, workload, expectedOf(workload, 'UTC'), 0.05);
    } finally {
      await p.close();
    }
  });
});
