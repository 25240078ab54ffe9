// Hostile input against a real MongoDB-wire server (FerretDB in CI): keys the
// server would refuse are stored escaped and read back as emitted, queries and
// rollups find them, and an event that cannot be stored fails alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import type { JsonObject, TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import { MongoEventStore } from '../../../src/backends/mongodb/MongoEventStore.js';
import { QueryError } from '../../../src/errors.js';
import { mongodbUrl, skipUnless, uniqueDbName } from '../../support/env.js';

const FAST = { batchSize: 100, flushIntervalMs: 10, retryBaseDelayMs: 10, retryMaxDelayMs: 50 };

/** Request-like payloads as untrusted clients send them (parsed JSON: `__proto__` is an own key). */
const BODIES: string[] = [
  '{"$where": "sleep(1000)", "q": {"utm.source": "news"}}',
  '{"a.b": 1, "q": {"utm.source": "ads"}}',
  '{".": ".", "$": "$", "q": {"utm.source": "news"}}',
  '{"~": "tilde", "~d": "not a dot", "a~b": 2, "q": {"utm.source": "news"}}',
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}',
  '{"": "empty key", "nested": {"": {"$gt": ""}}}',
  '{"ünï.cödé": "✓", "😀": {"$ne": null}, "\uFF04where": "fullwidth"}',
  '{"list": [{"$in": [1, 2]}, {"a.b": [{"$.~": 3}]}], "a~b": 2}',
  '{"$set": {"admin": true}, "q": {"utm.source": "ads"}}',
  '{"price$": 9.5, "a.b": 1, "q": {"utm.source": "news"}}',
];

describe('MongoDB and hostile input (real server)', { skip: skipUnless('mongodb') }, () => {
  let client: MongoClient;
  let store: MongoEventStore;
  const dbName = uniqueDbName('mhostile');
  const emitted: TrackedEvent[] = [];

  before(async () => {
    client = new MongoClient(mongodbUrl!, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    store = new MongoEventStore({ client, db: dbName, collection: 'hostile' });
    const memory = new MemoryBackend();
    const tracker = createTracker({ backends: { memory, mongo: new MongoBackend({ client, db: dbName, collection: 'hostile' }) }, delivery: FAST });
    tracker.on('error', () => {});
    await tracker.context('request', { headers: JSON.parse('{"x.forwarded": "1.2.3.4", "$host": "evil"}') as JsonObject }, async () => {
      BODIES.forEach((body, i) => tracker.emit('form.submit', { ...(JSON.parse(body) as JsonObject), i }));
    });
    await tracker.shutdown(10_000);
    const stats = tracker.stats().backends['mongo']!;
    assert.equal(stats.sent, 10, JSON.stringify(stats));
    assert.deepEqual(stats.dropReasons, {});
    emitted.push(...memory.events);
  });
  after(async () => {
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });

  test('ten events with hostile keys are all stored and read back identical', async () => {
    const stored: TrackedEvent[] = [];
    for await (const e of store.findEvents()) stored.push(e);
    assert.equal(stored.length, 10);
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const e of emitted) {
      const back = byId.get(e.id);
      assert.ok(back !== undefined, e.id);
      assert.deepStrictEqual(back, { id: e.id, name: e.name, timestamp: new Date(e.timestamp.getTime()), context: e.context, data: e.data });
    }
    const proto = byId.get(emitted[4]!.id)!.data;
    assert.ok(Object.hasOwn(proto, '__proto__'));
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    // findPage reads the same way.
    const page = await store.findPage({ limit: 10 });
    assert.deepStrictEqual(page.events, stored);
  });

  test('other tools see the stored spelling: no key MongoDB refuses', async () => {
    const raw = await client.db(dbName).collection('hostile').findOne({ 'data.i': 0 });
    assert.ok(raw !== null);
    assert.deepStrictEqual(raw['data'], { '~swhere': 'sleep(1000)', q: { 'utm~dsource': 'news' }, i: 0 });
    assert.deepStrictEqual(raw['context'], { headers: { 'x~dforwarded': '1.2.3.4', '~shost': 'evil' } });
  });

  test('where finds events by paths through escaped keys; a raw $ key is still refused', async () => {
    const ids = async (where: Record<string, string | number | null>) => {
      const out: number[] = [];
      for await (const e of store.findEvents({ where })) out.push(e.data['i'] as number);
      return out.sort((a, b) => a - b);
    };
    assert.deepStrictEqual(await ids({ 'data.q.utm~dsource': 'news' }), [0, 2, 3, 9]);
    assert.deepStrictEqual(await ids({ 'data.a~b': 2 }), [3, 7]);
    assert.deepStrictEqual(await ids({ 'data.a~db': 1 }), [1, 9]);
    assert.deepStrictEqual(await ids({ 'data.~swhere': 'sleep(1000)' }), [0]);
    assert.deepStrictEqual(await ids({ 'data.price$': 9.5 }), [9]);
    assert.deepStrictEqual(await ids({ 'data.~td': 'not a dot' }), [3]);
    assert.deepStrictEqual(await ids({ 'data.ünï~dcödé': '✓' }), [6]);
    assert.deepStrictEqual(await ids({ 'context.headers.~shost': 'evil', 'data.~sset.admin': true as never }), [8]);
    assert.equal(await store.countEvents({ where: { 'data.q.utm~dsource': 'ads' } }), 2);
    await assert.rejects(store.countEvents({ where: { 'data.$where': 'sleep(1000)' } }), QueryError);
    await assert.rejects(store.countEvents({ where: { 'data.q.$ne': null } }), QueryError);
  });

  for (const rollupMode of ['auto', 'portable'] as const) {
    test(`rollup (${rollupMode}) groups by a path through escaped keys`, async () => {
      const s = new MongoEventStore({ client, db: dbName, collection: 'hostile', rollupMode });
      const rows = await s.rollup({ granularity: 'year', groupBy: 'data.q.utm~dsource' });
      const year = String(emitted[0]!.timestamp.getUTCFullYear());
      assert.deepStrictEqual(rows.map((r) => [r.label, r.key, r.count]), [
        [year, null, 4],
        [year, 'ads', 2],
        [year, 'news', 4],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))) as unknown);
      const objects = await s.rollup({ granularity: 'year', groupBy: 'data.nested' });
      assert.deepStrictEqual(objects.find((r) => r.key !== null)?.key, { '': { $gt: '' } });
      const tilde = await s.rollup({ granularity: 'year', groupBy: 'data.a~b', where: { 'data.a~b': 2 } });
      assert.deepStrictEqual(tilde.map((r) => [r.key, r.count]), [[2, 2]]);
    });
  }

  test('a processor output MongoDB cannot hold (cycle, BigInt, function) fails its own event only: 7 of 10 stored', async () => {
    const drops: string[] = [];
    const bad: Record<number, (data: Record<string, unknown>) => void> = {
      2: (data) => (data['self'] = data),
      5: (data) => (data['big'] = 10n),
      7: (data) => (data['fn'] = () => 1),
    };
    const tracker = createTracker({
      backends: { mongo: new MongoBackend({ client, db: dbName, collection: 'unstorable' }) },
      processors: [
        (e) => {
          const data = { ...e.data } as Record<string, unknown>;
          bad[e.data['i'] as number]?.(data);
          return { ...e, data: data as JsonObject };
        },
      ],
      delivery: FAST,
    });
    tracker.on('drop', (notice) => drops.push(`${notice.reason}:${notice.count}`));
    tracker.on('error', () => {});
    for (let i = 0; i < 10; i++) tracker.emit('ev', { i, 'k.$': i });
    await tracker.shutdown(10_000);
    const stats = tracker.stats().backends['mongo']!;
    assert.equal(stats.sent, 7);
    assert.deepEqual(stats.dropReasons, { rejected: 3 });
    assert.equal(stats.retried, 0);
    assert.equal(drops.reduce((n, d) => n + Number(d.split(':')[1]), 0), 3);
    const s = new MongoEventStore({ client, db: dbName, collection: 'unstorable' });
    const stored: number[] = [];
    for await (const e of s.findEvents()) stored.push(e.data['i'] as number);
    assert.deepStrictEqual(stored.sort((a, b) => a - b), [0, 1, 3, 4, 6, 8, 9]);
  });
});
