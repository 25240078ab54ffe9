// Declarative configuration against real servers: a JSON config builds a counters backend on Redis and a MongoDB backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { mongodbUrl, redisUrl, skipUnless, uniqueDbName, uniquePrefix } from '../../support/env.js';

describe('a counters spec with a Redis store', { skip: skipUnless('redis') }, () => {
  test('counts into Redis under the configured prefix; shutdown closes the connection it opened', async () => {
    const prefix = `${uniquePrefix('cfg')}:`;
    const config = JSON.parse(JSON.stringify({
      backends: {
        counters: {
          type: 'counters',
          options: { store: { type: 'redis', options: { url: redisUrl, prefix } }, rules: [{ match: { regex: '^shop\\.' }, slug: 'shop' }], defaultRule: false },
          include: ['shop.*'],
        },
      },
    }));
    const tracker = createTracker(config);
    for (let i = 0; i < 5; i++) tracker.emit('shop.buy', { i });
    await tracker.shutdown();
    const reader = new Metrics({ store: new RedisCounterStore({ url: redisUrl!, prefix }) });
    try {
      assert.equal((await reader.getMetric('shop')).year, 5);
      await reader.clearAll();
    } finally {
      await reader.close();
    }
  });
});

describe('a mongodb spec', { skip: skipUnless('mongodb') }, () => {
  test('stores events in the configured db and collection', async () => {
    const db = uniqueDbName('cfg');
    const tracker = createTracker({ backends: { store: { type: 'mongodb', options: { url: mongodbUrl!, db, collection: 'events', indexes: false } } } });
    tracker.emit('page.view', { a: 1 });
    await tracker.shutdown();
    const client = new MongoClient(mongodbUrl!, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.connect();
      const docs = await client.db(db).collection('events').find({}).toArray();
      assert.deepEqual(docs.map((d) => d['name']), ['page.view']);
      await client.db(db).dropDatabase();
    } finally {
      await client.close();
    }
  });
});
