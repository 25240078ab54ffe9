// Issue #10.4 and #10.5 on a real redis-server: a write carries a deadline its
// script checks, so what was reported dropped never lands later; close() is
// bounded even when the server hangs (SIGSTOP).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { redisUrl, skipUnless, skipUnlessBinary, uniquePrefix } from '../../support/env.js';
import { findBinary, freePort } from '../../support/servers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis write deadlines', { skip: skipUnless('redis') }, () => {
  let client: Redis;
  before(() => {
    client = new Redis(redisUrl!);
  });
  after(async () => {
    await client.quit();
  });

  test('a batch that reaches the script after its deadline writes nothing, not even its marker', async () => {
    const prefix = `${uniquePrefix('dl')}:`;
    const store = new RedisCounterStore({ client, prefix });
    const batch = { id: 'late.1', ops: [{ kind: 'hincr' as const, key: `${prefix}{s}:h`, fields: ['f'], values: [5] }] };
    await assert.rejects(store.write({ ...batch, deadline: Date.now() - 1 }), /after its deadline/);
    assert.equal(await client.hget(`${prefix}{s}:h`, 'f'), null);
    // The same batch in time is applied (no marker was left behind by the late one).
    const result = await store.write({ ...batch, deadline: Date.now() + 5_000 });
    assert.equal(result.applied, 1);
    assert.equal(await client.hget(`${prefix}{s}:h`, 'f'), '5');
    await store.clear();
  });

  test('no phantom drops: writes reported dropped while the server stalls are not applied when it resumes', async () => {
    const prefix = `${uniquePrefix('ph')}:`;
    const store = new RedisCounterStore({ client, prefix });
    const metrics = new Metrics({ store, flushIntervalMs: 60_000, flushTimeoutMs: 200, retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 20 } });
    const drops: { reason: string; writes: number }[] = [];
    metrics.on('drop', (info) => drops.push({ reason: info.reason, writes: info.writes }));
    metrics.on('error', () => undefined);
    try {
      metrics.metric('phantom', 1);
      await metrics.flush(); // scripts loaded, clock offset measured
      await client.call('CLIENT', 'PAUSE', '1200', 'WRITE');
      for (let i = 0; i < 100; i++) metrics.metric('phantom', 1);
      await assert.rejects(metrics.flush());
      await sleep(400); // the retry times out too: the batch is dropped
      assert.equal(metrics.stats().droppedWrites > 0, true, JSON.stringify(metrics.stats()));
      assert.ok(drops.some((d) => d.reason === 'retries_exhausted'));
      await sleep(1_200); // the server resumes and runs the held calls
      await client.call('CLIENT', 'UNPAUSE');
      await sleep(100);
      assert.equal((await metrics.getMetric('phantom')).day, 1, 'what was reported dropped did not land');
    } finally {
      await client.call('CLIENT', 'UNPAUSE');
      await metrics.clearAll().catch(() => undefined);
      await metrics.close();
    }
  });
});

describe('close() with Redis hung (SIGSTOP)', { skip: skipUnlessBinary('redis-server') }, () => {
  let server: ChildProcess;
  let url: string;
  before(async () => {
    const port = await freePort();
    server = spawn(findBinary('redis-server')!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        break;
      } catch {
        await sleep(50);
      }
    }
    probe.disconnect();
  });
  after(() => {
    server.kill('SIGCONT');
    server.kill('SIGKILL');
  });

  test('Metrics.close(timeoutMs) and RedisCounterStore.close(timeoutMs) return within their deadline', async () => {
    const store = new RedisCounterStore({ url, prefix: 'hung:' });
    const metrics = new Metrics({ store, flushIntervalMs: 60_000, flushTimeoutMs: 500 });
    const drops: number[] = [];
    metrics.on('drop', (info) => drops.push(info.writes));
    metrics.on('error', () => undefined);
    metrics.metric('before', 1);
    await metrics.flush();
    server.kill('SIGSTOP');
    try {
      metrics.metric('during', 1);
      const started = Date.now();
      await metrics.close(300);
      const took = Date.now() - started;
      assert.ok(took < 1_000, `close took ${took} ms`);
      assert.equal(store.client.status, 'end');
      // The batch sent to the hung server is reported once its deadline has passed, not before.
      await sleep(600);
      assert.ok(drops.length > 0 && metrics.stats().pendingWrites === 0, JSON.stringify(metrics.stats()));
    } finally {
      server.kill('SIGCONT');
    }
    await sleep(200);
    const check = new Redis(url);
    try {
      const keys = await check.keys('hung:*during*');
      assert.deepEqual(keys, [], 'the dropped write did not land after the server resumed');
    } finally {
      await check.quit();
    }
  });
});
