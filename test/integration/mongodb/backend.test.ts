// MongoBackend against a real MongoDB-wire server (FerretDB in CI): what is
// stored, idempotent retries, one bad event in a batch, indexes, close().
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { PartialDeliveryError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import { MongoEventStore } from '../../../src/backends/mongodb/MongoEventStore.js';
import { mongodbUrl, skipUnless, uniqueDbName } from '../../support/env.js';

const FAST = { batchSize: 100, flushIntervalMs: 10, retryBaseDelayMs: 10, retryMaxDelayMs: 50 };

function event(i: number, extra: Partial<TrackedEvent> = {}): TrackedEvent {
  return {
    id: `0190b4a2-7c3e-7000-8000-${String(i).padStart(12, '0')}`,
    name: 'test.event',
    timestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, 0, i)),
    context: { user_id: i % 5 },
    data: { i },
    ...extra,
  };
}

describe('MongoBackend on a real server', { skip: skipUnless('mongodb') }, () => {
  let client: MongoClient;
  const dbName = uniqueDbName('mbackend');
  before(async () => {
    client = new MongoClient(mongodbUrl!, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });
  after(async () => {
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });

  test('round trip through the tracker: nested data, ids and dates come back as emitted', async () => {
    const memory = new MemoryBackend();
    const backend = new MongoBackend({ client, db: dbName, collection: 'roundtrip' });
    const tracker = createTracker({ backends: { memory, mongo: backend }, delivery: FAST });
    await tracker.context('request', { user_id: 10938, session: { id: 'abc', tags: ['a', 'b'] } }, async () => {
      tracker.emit('address.create', { name: 'foo', nested: { deep: { list: [1, 2.5, 'x', null, { y: true }] } } });
      tracker.emit('order.paid', { amount: 12.34, at: new Date('2024-02-03T04:05:06.789Z'), big: 12345678901234567890n });
      tracker.emit('backdated', { unicode: 'héllo ✓ 🚀' }, { timestamp: new Date('2020-01-01T00:00:00.001Z') });
    });
    const report = await tracker.shutdown(10_000);
    assert.equal(tracker.stats().backends['mongo']!.sent, 3, JSON.stringify(report));

    const store = new MongoEventStore({ client, db: dbName, collection: 'roundtrip' });
    const stored: TrackedEvent[] = [];
    for await (const e of store.findEvents()) stored.push(e);
    const expected = [...memory.events].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : 1));
    assert.deepEqual(stored, expected.map((e) => ({ id: e.id, name: e.name, timestamp: new Date(e.timestamp.getTime()), context: e.context, data: e.data })));
    assert.equal(stored[0]!.name, 'backdated');
    assert.equal(stored.find((e) => e.name === 'order.paid')!.data['at'], '2024-02-03T04:05:06.789Z');

    // Ordinary MongoDB tools see `_id` = event id and a BSON date.
    const raw = await client.db(dbName).collection('roundtrip').findOne({ name: 'address.create' });
    assert.ok(raw !== null);
    assert.equal(raw['_id'], memory.events.find((e) => e.name === 'address.create')!.id);
    assert.ok(raw['timestamp'] instanceof Date);
    assert.equal(await client.db(dbName).collection('roundtrip').countDocuments({ timestamp: { $type: 'date' } }), 3);
    assert.deepEqual(Object.keys(raw).sort(), ['_id', 'context', 'data', 'name', 'timestamp']);
  });

  test('a batch delivered twice (or overlapping) is stored once', async () => {
    const backend = new MongoBackend({ client, db: dbName, collection: 'idempotent' });
    const batch = Array.from({ length: 20 }, (_, i) => event(i));
    await backend.send(batch);
    await backend.send(batch);
    await backend.send([...batch.slice(10), ...Array.from({ length: 5 }, (_, i) => event(100 + i))]);
    const coll = client.db(dbName).collection('idempotent');
    assert.equal(await coll.countDocuments(), 25);
    const ids = (await coll.find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
    assert.equal(new Set(ids).size, 25);
  });

  test('one invalid document: the rest are stored, the bad one reported alone', async () => {
    const backend = new MongoBackend({ client, db: dbName, collection: 'invalid' });
    // The server refuses an array as `_id` (keys it would refuse, `$where`, `a.b`, are stored escaped).
    const batch = [event(1), event(2), event(3, { id: ['0190b4a2-7c3e-7000-8000-000000000003'] as never }), event(4), event(5)];
    await assert.rejects(backend.send(batch), (error: unknown) => {
      assert.ok(error instanceof PartialDeliveryError, String(error));
      assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[2, false]]);
      assert.match(String((error.failures[0]!.error as Error).message), /0190b4a2-7c3e-7000-8000-000000000003/);
      return true;
    });
    const coll = client.db(dbName).collection('invalid');
    assert.deepEqual((await coll.find().sort({ _id: 1 }).toArray()).map((d) => (d['data'] as { i: number }).i), [1, 2, 4, 5]);

    // Through the tracker: counted as delivered / dropped `rejected`, never retried.
    const drops: string[] = [];
    const tracker = createTracker({
      backends: { mongo: new MongoBackend({ client, db: dbName, collection: 'invalid2' }) },
      processors: [(e) => (e.name === 'bad' ? { ...e, id: [e.id] as never } : e)],
      delivery: FAST,
    });
    tracker.on('drop', (notice) => drops.push(`${notice.reason}:${notice.count}`));
    tracker.on('error', () => {});
    tracker.emit('ok.one', { a: 1 });
    tracker.emit('bad', { 'dotted.key': 1 });
    tracker.emit('ok.two', { a: 2 });
    await tracker.shutdown(10_000);
    const stats = tracker.stats().backends['mongo']!;
    assert.equal(stats.sent, 2);
    assert.deepEqual(stats.dropReasons, { rejected: 1 });
    assert.equal(stats.retried, 0);
    assert.deepEqual(drops, ['rejected:1']);
    assert.deepEqual((await client.db(dbName).collection('invalid2').find().toArray()).map((d) => d['name']).sort(), ['ok.one', 'ok.two']);
  });

  test('indexes: the set is created once; a refused TTL index is reported and delivery goes on', async () => {
    const refused: string[] = [];
    const backend = new MongoBackend({
      client,
      db: dbName,
      collection: 'indexed',
      contextIndexes: ['user_id'],
      retentionSeconds: 3_600,
      onIndexError: (e) => refused.push(e.message),
    });
    await backend.send([event(1)]);
    const report = await backend.init();
    const keys = (await client.db(dbName).collection('indexed').indexes()).map((i) => JSON.stringify(i.key));
    for (const key of ['{"name":1,"timestamp":-1}', '{"timestamp":-1}', '{"context.user_id":1,"timestamp":-1}']) assert.ok(keys.includes(key), `${key} in ${keys.join(' ')}`);
    const ttl = (await client.db(dbName).collection('indexed').indexes()).find((i) => i.expireAfterSeconds !== undefined);
    if (ttl === undefined) {
      // FerretDB 1.x: no TTL indexes. Reported, never thrown.
      assert.deepEqual(report.failed.map((f) => f.index), ['timestamp_-1 (TTL 3600s)']);
      assert.equal(refused.length, 1);
    } else {
      assert.equal(ttl.expireAfterSeconds, 3_600);
      assert.equal(report.failed.length, 0);
    }
    await backend.send([event(2)]);
    assert.equal(await client.db(dbName).collection('indexed').countDocuments(), 2);
  });

  test('close() leaves a given client open and closes one it created', async () => {
    const given = new MongoBackend({ client, db: dbName, collection: 'close' });
    await given.send([event(1)]);
    await given.close();
    assert.equal((await client.db(dbName).command({ ping: 1 }))['ok'], 1);

    const owned = new MongoBackend({ url: mongodbUrl!, db: dbName, collection: 'close' });
    const close = mock.method(owned.client, 'close');
    await owned.send([event(2)]);
    await owned.close();
    await owned.close();
    assert.equal(close.mock.callCount(), 1);
    assert.equal(await client.db(dbName).collection('close').countDocuments(), 2);
  });
});
