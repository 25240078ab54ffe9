// RedisCounterStore against a real standalone redis-server: the shared
// conformance suite, the Redis-specific checks, and a server restart in the
// middle of a stream of writes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { redisUrl, skipUnless, skipUnlessBinary, uniquePrefix } from '../../support/env.js';
import { startRedis, type RedisServer } from '../../support/servers.js';
import { counterStoreConformance } from '../../unit/metrics/conformance.js';
import { timingConformance } from '../../unit/metrics/timingConformance.js';
import { redisStoreSuite } from './redisStoreSuite.js';

describe('RedisCounterStore, standalone', { skip: skipUnless('redis') }, () => {
  let client: Redis;
  before(() => {
    client = new Redis(redisUrl!);
  });
  after(async () => {
    await client.quit();
  });

  counterStoreConformance('Redis standalone', {
    createStore: () => new RedisCounterStore({ client, prefix: `${uniquePrefix('c')}:` }),
    reopen: (store) => new RedisCounterStore({ client, prefix: store.prefix }),
    exactUniques: false,
  });

  timingConformance('Redis standalone', {
    createStore: () => new RedisCounterStore({ client, prefix: `${uniquePrefix('c')}:` }),
    reopen: (store) => new RedisCounterStore({ client, prefix: store.prefix }),
    exactUniques: false,
  });

  redisStoreSuite('a standalone server', () => client, false);

  it('{ url } opens its own connection and closes it', async () => {
    const store = new RedisCounterStore({ url: redisUrl!, prefix: `${uniquePrefix('u')}:` });
    const metrics = new Metrics({ store });
    metrics.metric('own', 5);
    assert.equal((await metrics.getMetric('own')).day, 5);
    await metrics.clearAll();
    await metrics.close();
    assert.equal(store.client.status, 'end');
  });
});

describe('RedisCounterStore, server restart mid-stream', { skip: skipUnlessBinary('redis-server') }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server.stop();
  });

  it('keeps failed flushes, retries them after the restart, and ends with exact totals', async () => {
    const store = new RedisCounterStore({ url: server.url, prefix: 'restart:', redisOptions: { maxRetriesPerRequest: 1 } });
    const metrics = new Metrics({ store, flushTimeoutMs: 1000, retry: { initialDelayMs: 100, maxDelayMs: 500, maxAttempts: 30 } });
    const errors: Error[] = [];
    metrics.on('error', (error) => errors.push(error));
    try {
      const now = Date.now();
      for (let i = 0; i < 1000; i++) metrics.metric('stream', 1, { timestamp: now - (i % 60) * 1000 });
      await metrics.flush();
      assert.equal((await metrics.getMetric('stream')).year, 1000);
      await server.halt(); // the test server has no persistence: it comes back empty
      for (let i = 0; i < 1000; i++) metrics.metric('stream', 2, { timestamp: now - (i % 60) * 1000 });
      await assert.rejects(metrics.flush(), { name: 'CounterStoreError' });
      for (let i = 0; i < 500; i++) metrics.metric('stream', 3, { timestamp: now });
      await server.start();
      let done = false;
      for (let i = 0; i < 100 && !done; i++) {
        try {
          await metrics.flush();
          done = true;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      assert.ok(done, 'flushed after the restart');
      const history = await metrics.getMetricHistory('stream', { granularity: 'minute', since: now - 120_000, until: now });
      assert.equal(history.series[0]!.total, 2000 + 1500, 'everything written while the server was down arrived once');
      assert.ok(errors.length >= 1);
      assert.equal(metrics.stats().droppedWrites, 0);
    } finally {
      await metrics.close();
    }
  });

  it('close() returns promptly and releases the connection while the server is down', async () => {
    // disconnectTimeout: ioredis arms it (default 2 s) even when the socket is already gone; keep the leak check short.
    const store = new RedisCounterStore({ url: server.url, prefix: 'down:', redisOptions: { disconnectTimeout: 20 } });
    await store.write({ id: 'down.1', ops: [{ kind: 'set', key: 'down:{g}:g', value: '1' }] });
    await server.halt();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // the client notices and starts reconnecting
      const started = Date.now();
      await store.close();
      assert.ok(Date.now() - started < 2000, `close() took ${Date.now() - started} ms`);
      await store.close(); // idempotent; the leak check fails this file if a socket or reconnect timer is left
    } finally {
      await server.start();
    }
  });
});
