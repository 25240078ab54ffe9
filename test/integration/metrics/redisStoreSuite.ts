// Redis-specific checks of RedisCounterStore, shared by the standalone and the
// Cluster test files: key layout, retention set once, one pipeline per flush
// (per node), scripts by SHA, SCAN-only deletes, hash slots.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cluster, Redis } from 'ioredis';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { applyScriptSha1 } from '../../../src/metrics/redis/scripts.js';
import { keySlot } from '../../../src/metrics/redis/slot.js';
import { uniquePrefix } from '../../support/env.js';

type Client = Redis | Cluster;

function masters(client: Client): Redis[] {
  return 'nodes' in client && (client as Cluster).isCluster ? (client as Cluster).nodes('master') : [client as Redis];
}

async function scanAll(client: Client, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of masters(client)) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return keys.sort();
}

async function commandCalls(client: Client, command: string): Promise<number> {
  let total = 0;
  for (const node of masters(client)) {
    const info = await node.info('commandstats');
    const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
    total += match === null ? 0 : Number(match[1]);
  }
  return total;
}

/** Counts pipelines and the commands queued in them on `client`. */
function spyPipelines(client: Client): { pipelines: number; evalsha: number; other: number; restore(): void } {
  const original = client.pipeline.bind(client);
  const spy = {
    pipelines: 0,
    evalsha: 0,
    other: 0,
    restore: () => {
      (client as { pipeline: unknown }).pipeline = original;
    },
  };
  (client as { pipeline: unknown }).pipeline = (...args: Parameters<typeof original>) => {
    const pipeline = original(...args);
    spy.pipelines += 1;
    const exec = pipeline.exec.bind(pipeline);
    pipeline.exec = ((...execArgs: Parameters<typeof exec>) => {
      for (const command of (pipeline as unknown as { _queue: { name: string }[] })._queue) {
        if (command.name === 'evalsha') spy.evalsha += 1;
        else spy.other += 1;
      }
      return exec(...execArgs);
    }) as typeof exec;
    return pipeline;
  };
  return spy;
}

/** Redis-specific tests over a connected client (left open). */
export function redisStoreSuite(name: string, getClient: () => Client, isCluster: boolean): void {
  describe(`RedisCounterStore on ${name}`, () => {
    const open = async (extra: ConstructorParameters<typeof Metrics>[0] = {}): Promise<{ metrics: Metrics; store: RedisCounterStore; prefix: string }> => {
      const prefix = `${uniquePrefix('m')}:`;
      const store = new RedisCounterStore({ client: getClient(), prefix });
      return { metrics: new Metrics({ store, flushIntervalMs: 60_000, ...extra }), store, prefix };
    };

    it('lays keys out per slug under one hash tag, as compact hashes per period', async () => {
      const { metrics, prefix } = await open({ timeZone: 'Europe/Berlin' });
      try {
        const now = Date.now();
        metrics.metric('signup', 2, { category: 'users', timestamp: now });
        metrics.unique('signup', 'alice', { timestamp: now });
        metrics.gauge('queue', 3);
        metrics.trackMetric('user:1', 'comment', { timestamp: now });
        metrics.trackCount('user:1', 'login');
        await metrics.flush();
        const keys = await scanAll(getClient(), `${prefix}*`);
        const data = keys.filter((k) => !k.includes('}:x:'));
        const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
        const [y, mo, d] = day.split('-');
        const minute = Math.floor(now / 60_000) * 60;
        const hour = Math.floor(now / 3_600_000) * 3600;
        for (const expected of [
          `${prefix}{signup}:m:s:${minute}`,
          `${prefix}{signup}:m:i:${hour}`,
          `${prefix}{signup}:m:h:${Math.floor(now / 86_400_000)}`,
          `${prefix}{signup}:m:d:${y}-${mo}`,
          `${prefix}{signup}:m:m:${y}`,
          `${prefix}{signup}:m:y:all`,
          `${prefix}{signup}:u:d:${y}-${mo}:${d}`,
          `${prefix}{queue}:g`,
          `${prefix}{user:1}:e:comment:d:${y}-${mo}`,
          `${prefix}{user:1}:c`,
          `${prefix}{#}:r:slugs`,
          `${prefix}{#}:r:cat:users`,
        ]) {
          assert.ok(data.includes(expected), `missing ${expected} in ${data.join(', ')}`);
        }
        const client = getClient();
        const markers = keys.filter((k) => k.includes('}:x:'));
        assert.ok(markers.length >= 1, 'applied-batch markers');
        for (const marker of markers) {
          const ttl = await client.ttl(marker);
          assert.ok(ttl > 0 && ttl <= 600, `marker ${marker} lives ${ttl} s`);
        }
        assert.equal(await client.type(`${prefix}{signup}:m:d:${y}-${mo}`), 'hash');
        assert.equal(await client.hget(`${prefix}{signup}:m:d:${y}-${mo}`, d!), '2');
        const slots = new Set(data.filter((k) => k.includes('{signup}')).map((k) => keySlot(k)));
        assert.equal(slots.size, 1, 'every key of a slug in one slot');
        if (isCluster) {
          for (const key of data) assert.equal(keySlot(key), await (client as Cluster).cluster('KEYSLOT', key), key);
        }
      } finally {
        await metrics.clearAll();
        await metrics.close();
      }
    });

    it('timings: one hash per bucket under the slug\'s tag (bins, n, s, lo, hi), with counter retention', async () => {
      const { metrics, prefix } = await open();
      try {
        const client = getClient();
        const now = Date.now();
        metrics.timing('api', 12.5, { timestamp: now });
        metrics.timing('api', 0, { timestamp: now });
        await metrics.flush();
        metrics.timing('api', 40, { timestamp: now });
        await metrics.flush();
        const keys = (await scanAll(client, `${prefix}{api}:t:*`)).filter((k) => !k.endsWith(':ttl'));
        const day = new Date(now).toISOString().slice(0, 10);
        const dayKey = `${prefix}{api}:t:d:${day.slice(0, 7)}:${day.slice(8)}`;
        assert.ok(keys.includes(dayKey), `${dayKey} in ${keys.join(', ')}`);
        assert.equal(keys.filter((k) => k.includes(':t:h:')).length, 1);
        assert.equal(keys.filter((k) => k.includes(':t:i:')).length, 1);
        assert.equal(keys.filter((k) => k.includes(':t:m:')).length, 1);
        const hash = await client.hgetall(dayKey);
        assert.deepEqual([hash['n'], hash['s'], hash['lo'], hash['hi'], hash['z']], ['3', '52.5', '0', '40', '1']);
        assert.equal(Object.keys(hash).length, 5 + 2, 'two bins');
        const hourKey = keys.find((k) => k.includes(':t:h:'))!;
        const ttl = await client.ttl(hourKey);
        assert.ok(ttl > 89 * 86_400 && ttl <= 91 * 86_400, `hour bucket kept 90 days after its day, got ${ttl} s`);
        assert.equal(await client.ttl(keys.find((k) => k.includes(':t:m:'))!), -1, 'month buckets are kept forever');
        assert.equal(new Set(keys.map((k) => keySlot(k))).size, 1, 'every timing key of a slug in one slot');
      } finally {
        await metrics.clearAll();
        await metrics.close();
      }
    });

    it('sets retention once, when a bucket is created (EXPIREAT NX); month and year keys never expire', async () => {
      const { metrics, prefix } = await open();
      try {
        const client = getClient();
        const now = Date.now();
        metrics.metric('ttl', 1, { timestamp: now });
        await metrics.flush();
        const minuteStart = Math.floor(now / 60_000) * 60;
        const secondsKey = `${prefix}{ttl}:m:s:${minuteStart}`;
        const minutesKey = `${prefix}{ttl}:m:i:${Math.floor(now / 3_600_000) * 3600}`;
        assert.equal(await client.call('EXPIRETIME', secondsKey), minuteStart + 60 + 6 * 3600, 'minute end + 6 h');
        assert.equal(await client.call('EXPIRETIME', minutesKey), Math.floor(now / 3_600_000) * 3600 + 3600 + 7 * 86_400, 'hour end + 7 days');
        assert.equal(await client.ttl(`${prefix}{ttl}:m:y:all`), -1);
        assert.equal(await client.ttl(`${prefix}{ttl}:m:m:${new Date(now).getUTCFullYear()}`), -1);
        // A later write does not move the expiry.
        await client.call('EXPIREAT', secondsKey, minuteStart + 99_999); // pretend it was set long ago to something else
        metrics.metric('ttl', 1, { timestamp: now });
        await metrics.flush();
        assert.equal(await client.call('EXPIRETIME', secondsKey), minuteStart + 99_999, 'NX: not re-sent over an existing TTL');
        // A per-call `expire` gives the buckets it wrote their own expiry (companion hash `<key>:ttl`), not the key.
        metrics.metric('ttl', 1, { timestamp: now, expire: 30 });
        await metrics.flush();
        const year = String(new Date(now).getUTCFullYear());
        assert.equal(await client.ttl(`${prefix}{ttl}:m:y:all`), -1, 'the storage unit of every year keeps no TTL');
        const yearExpiry = Number(await client.hget(`${prefix}{ttl}:m:y:all:ttl`, year));
        assert.ok(yearExpiry > now / 1000 && yearExpiry <= now / 1000 + 31, `expire: 30 → the year field expires at ${yearExpiry}`);
        assert.equal(await client.call('EXPIRETIME', `${secondsKey}:ttl`), minuteStart + 60 + 6 * 3600, 'a companion has the retention of its hash');
        // Writes older than their retention are not sent at all.
        metrics.metric('old', 1, { timestamp: now - 2 * 86_400_000 });
        await metrics.flush();
        assert.equal(metrics.stats().expiredWrites, 1, 'the second bucket of two days ago');
        assert.deepEqual(await scanAll(client, `${prefix}{old}:m:s:*`), []);
      } finally {
        await metrics.clearAll();
        await metrics.close();
      }
    });

    it(`sends one flush as ${isCluster ? 'one pipeline per master' : 'ONE pipeline (script calls split only by size)'} and calls the script by SHA`, async () => {
      const { metrics } = await open();
      const client = getClient();
      try {
        metrics.metric('warmup');
        await metrics.flush();
        const spy = spyPipelines(client);
        try {
          const slugs = Array.from({ length: 50 }, (_, i) => `slug-${i}`);
          const now = Date.now();
          for (let i = 0; i < 20_000; i++) metrics.metric(slugs[i % 50]!, 1, { timestamp: now - (i % 120) * 1000 });
          await metrics.flush();
          if (isCluster) {
            const slots = new Set(slugs.map((s) => keySlot(`{${s}}`)));
            slots.add(keySlot('{#}'));
            assert.ok(spy.pipelines <= masters(client).length, `${spy.pipelines} pipelines`);
            assert.ok(spy.evalsha >= slots.size, `${spy.evalsha} script calls for ${slots.size} slots`);
          } else {
            assert.equal(spy.pipelines, 1);
            assert.ok(spy.evalsha >= 1 && spy.evalsha <= 6, `${spy.evalsha} script calls (split only by maxItemsPerScript)`);
          }
          assert.equal(spy.other, 0, 'nothing but EVALSHA on the write path');
        } finally {
          spy.restore();
        }
        const exists = await Promise.all(masters(client).map((node) => node.script('EXISTS', applyScriptSha1()) as Promise<number[]>));
        assert.ok(exists.every(([loaded]) => loaded === 1));
        const history = await metrics.getMetricHistory(['slug-0', 'slug-49'], { granularity: 'hour', limit: 3 });
        assert.deepEqual(history.series.map((s) => s.total), [400, 400]);
      } finally {
        await metrics.clearAll();
        await metrics.close();
      }
    });

    it('recovers when the server forgot the script (SCRIPT FLUSH, restart, failover)', async () => {
      const { metrics } = await open();
      try {
        metrics.metric('noscript', 1);
        await metrics.flush();
        await Promise.all(masters(getClient()).map((node) => node.script('FLUSH')));
        metrics.metric('noscript', 2);
        await metrics.flush();
        assert.equal((await metrics.getMetric('noscript')).year, 3);
        assert.equal(metrics.stats().failedFlushes, 0);
      } finally {
        await metrics.clearAll();
        await metrics.close();
      }
    });

    it('clearAll() uses SCAN + UNLINK (never KEYS) and leaves other prefixes alone', async () => {
      const { metrics, prefix } = await open();
      const other = `${uniquePrefix('other')}:`;
      const client = getClient();
      try {
        for (let i = 0; i < 300; i++) metrics.metric(`s${i}`, 1);
        await client.set(`${other}{k}:x`, 'keep');
        await client.set(`${prefix.slice(0, -1)}`, 'not under the prefix either'); // the prefix without its colon
        await metrics.flush();
        const keysBefore = await commandCalls(client, 'keys');
        const deleted = await metrics.clearAll();
        assert.ok(deleted >= 300 * 7, `deleted ${deleted}`);
        assert.equal(await commandCalls(client, 'keys'), keysBefore, 'KEYS was never called');
        assert.ok((await commandCalls(client, 'scan')) > 0);
        assert.deepEqual(await scanAll(client, `${prefix}*`), []);
        assert.equal(await client.get(`${other}{k}:x`), 'keep');
        assert.equal(await client.get(prefix.slice(0, -1)), 'not under the prefix either');
      } finally {
        await client.del(`${other}{k}:x`);
        await client.del(prefix.slice(0, -1));
        await metrics.close();
      }
    });

    it('a flush that times out while the server stalls is applied exactly once (CLIENT PAUSE)', async () => {
      const { metrics } = await open({ flushTimeoutMs: 300, retry: { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 40 } });
      const client = getClient();
      const errors: Error[] = [];
      metrics.on('error', (error) => errors.push(error));
      try {
        metrics.metric('stalled', 1);
        await metrics.flush(); // scripts loaded, slot map known
        const now = Date.now();
        for (let i = 0; i < 100; i++) metrics.metric('stalled', 1, { timestamp: now - (i % 10) * 1000 });
        await Promise.all(masters(client).map((node) => node.call('CLIENT', 'PAUSE', '1500', 'WRITE')));
        await assert.rejects(metrics.flush(), { name: 'CounterStoreError', message: /did not finish within 300 ms/ });
        let done = false;
        for (let i = 0; i < 100 && !done; i++) {
          try {
            await metrics.flush();
            done = true;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        assert.ok(done);
        assert.equal((await metrics.getMetric('stalled')).year, 101, 'the late original and its retries count once');
        // The late original and the retries held with it ran past their deadlines and wrote nothing: no duplicates needed.
        assert.ok(errors.length >= 1);
      } finally {
        await Promise.all(masters(client).map((node) => node.call('CLIENT', 'UNPAUSE')));
        await metrics.clearAll();
        await metrics.close();
      }
    });

    it('a client passed in is left open by close()', async () => {
      const { metrics } = await open();
      await metrics.close();
      assert.equal(await getClient().ping(), 'PONG');
    });
  });
}
