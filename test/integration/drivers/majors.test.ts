// The application's own driver clients, of both supported majors, used as
// they are: mongodb 7 and 6 clients store events through MongoBackend with
// exact stats (a partial failure included); ioredis 6 and 5 clients count
// through RedisCounterStore with exact totals.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MongoClient as MongoClient7 } from 'mongodb';
import { MongoClient as MongoClient6 } from 'mongodb6';
import { Redis as Redis6 } from 'ioredis';
import { Redis as Redis5 } from 'ioredis5';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import { MongoEventStore } from '../../../src/backends/mongodb/MongoEventStore.js';
import { PartialDeliveryError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { mongodbUrl, redisUrl, skipUnless, uniqueDbName, uniquePrefix } from '../../support/env.js';

const FAST = { batchSize: 20, flushIntervalMs: 10, maxRetries: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 50 };

for (const [major, MongoClient] of [
  ['7', MongoClient7],
  ['6', MongoClient6],
] as const) {
  describe(`the application's mongodb ${major} client`, { skip: skipUnless('mongodb') }, () => {
    const db = uniqueDbName(`major${major}`);
    let client: InstanceType<typeof MongoClient>;
    before(async () => {
      client = new MongoClient(mongodbUrl!, { serverSelectionTimeoutMS: 5_000 });
      await client.connect();
    });
    after(async () => {
      await client.db(db).dropDatabase().catch(() => undefined);
      await client.close();
    });

    test('stores events through a tracker with exact stats, and is left open', async () => {
      const tracker = createTracker({ backends: { mongo: new MongoBackend({ client, db, collection: 'all' }) }, delivery: FAST });
      for (let i = 0; i < 50; i++) tracker.emit('major.event', { i });
      await tracker.shutdown(10_000);
      const stats = tracker.stats().backends['mongo']!;
      assert.deepEqual([stats.sent, stats.dropped, stats.failed], [50, 0, 0]);
      assert.equal(await client.db(db).collection('all').countDocuments(), 50, 'the client stays open after shutdown');
      const store = new MongoEventStore({ client, db, collection: 'all' });
      assert.equal(await store.countEvents({ name: 'major.event' }), 50);
      await store.close();
    });

    test('one invalid document among 3: 2 stored, exactly 1 reported', async () => {
      const backend = new MongoBackend({ client, db, collection: 'partial', indexes: false });
      const at = new Date();
      const events = [
        { id: `m${major}-a`, name: 'ok', timestamp: at, context: {}, data: {} },
        // The server refuses an array as `_id` for this document alone.
        { id: [`m${major}-b`] as unknown as string, name: 'bad', timestamp: at, context: {}, data: {} },
        { id: `m${major}-c`, name: 'ok', timestamp: at, context: {}, data: {} },
      ] as TrackedEvent[];
      await assert.rejects(backend.send(events), (error: unknown) => {
        assert.ok(error instanceof PartialDeliveryError, String(error));
        assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[1, false]]);
        return true;
      });
      assert.equal(await client.db(db).collection('partial').countDocuments(), 2);
      // A retry of the same batch finds the two stored ones as delivered and still reports only the bad one.
      await assert.rejects(backend.send(events), (error: unknown) => error instanceof PartialDeliveryError && error.failures.length === 1);
      assert.equal(await client.db(db).collection('partial').countDocuments(), 2);
    });
  });
}

for (const [major, connect] of [
  ['6', (url: string): Redis5 | Redis6 => new Redis6(url)],
  ['5', (url: string): Redis5 | Redis6 => new Redis5(url)],
] as const) {
  describe(`the application's ioredis ${major} client`, { skip: skipUnless('redis') }, () => {
    let client: Redis5 | Redis6;
    before(() => {
      client = connect(redisUrl!);
    });
    after(async () => {
      await client.quit();
    });

    test('counts through RedisCounterStore with exact totals, and is left open', async () => {
      const store = new RedisCounterStore({ client, prefix: `${uniquePrefix(`r${major}`)}:` });
      const metrics = new Metrics({ store, flushIntervalMs: 60_000 });
      for (let i = 0; i < 1000; i++) metrics.metric(`slug-${i % 10}`, 1 + (i % 3));
      for (let i = 0; i < 300; i++) metrics.unique('visitors', `user-${i % 120}`);
      await metrics.flush();
      let total = 0;
      for (let s = 0; s < 10; s++) total += (await metrics.getMetric(`slug-${s}`)).day ?? 0;
      assert.equal(total, Array.from({ length: 1000 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0));
      const stats = metrics.stats();
      assert.deepEqual([stats.droppedWrites, stats.failedFlushes, stats.rejectedOps], [0, 0, 0]);
      await metrics.clearAll();
      await metrics.close();
      assert.equal(await client.ping(), 'PONG');
    });
  });
}
