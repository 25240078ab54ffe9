// MongoBackend's batch logic against a scripted collection (no server):
// what counts as delivered, what is reported per event, what is retried.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BSON, MongoBulkWriteError, type MongoClient, MongoInvalidArgumentError, MongoNetworkError } from 'mongodb';
import { EventTrackError, PartialDeliveryError } from '../../../../src/errors.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';
import { MongoBackend } from '../../../../src/backends/mongodb/MongoBackend.js';

type Doc = { _id: string; name: string; timestamp: Date; data: Record<string, unknown> };

/** A collection whose insertMany runs `script` and records what it was given. */
function fakeClient(script: (docs: Doc[], call: number) => void, createIndex: (key: object, options: object) => string = (key) => Object.keys(key).join('_')) {
  const calls: { docs: Doc[]; options: unknown }[] = [];
  const indexCalls: object[] = [];
  let collectionOptions: unknown;
  const collection = {
    async insertMany(docs: Doc[], options: unknown) {
      calls.push({ docs, options });
      script(docs, calls.length);
      return { insertedCount: docs.length };
    },
    async createIndex(key: object, options: object) {
      indexCalls.push({ key, options });
      return createIndex(key, options);
    },
  };
  const client = {
    db: () => ({
      collection: (_name: string, options: unknown) => {
        collectionOptions = options;
        return collection;
      },
    }),
    close: async () => assert.fail('a given client must not be closed'),
  } as unknown as MongoClient;
  return { client, calls, indexCalls, collectionOptions: () => collectionOptions };
}

function bulkError(writeErrors: { index: number; code: number; errmsg: string }[], extra: object = {}): MongoBulkWriteError {
  return Object.assign(Object.create(MongoBulkWriteError.prototype) as MongoBulkWriteError, {
    message: writeErrors[0]?.errmsg ?? 'bulk failed',
    writeErrors: writeErrors.map((e) => ({ ...e })), // the driver's WriteError exposes the same code, index, errmsg
    ...extra,
  });
}

const events: TrackedEvent[] = [0, 1, 2, 3].map((i) => ({
  id: `id-${i}`,
  name: `ev.${i}`,
  timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
  context: { user_id: i },
  data: { i },
}));

describe('MongoBackend.send', () => {
  test('one unordered insertMany per batch; _id is the event id, timestamp a Date; acknowledged writes', async () => {
    const fake = fakeClient(() => {});
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    await backend.send(events);
    await backend.send([]);
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(fake.calls[0]!.options, { ordered: false });
    assert.deepEqual(fake.calls[0]!.docs[2], { _id: 'id-2', name: 'ev.2', timestamp: events[2]!.timestamp, context: { user_id: 2 }, data: { i: 2 } });
    assert.deepEqual(fake.collectionOptions(), { writeConcern: { w: 1 } });
    assert.equal(fake.indexCalls.length, 0);
    await backend.close();
  });

  test('duplicate keys count as delivered (a retried batch)', async () => {
    const fake = fakeClient(() => {
      throw bulkError([
        { index: 0, code: 11000, errmsg: 'E11000 duplicate key' },
        { index: 3, code: 11000, errmsg: 'E11000 duplicate key' },
      ]);
    });
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    await backend.send(events);
  });

  test('other per-document errors are reported for those events alone, not retryable', async () => {
    const fake = fakeClient(() => {
      throw bulkError([
        { index: 0, code: 11000, errmsg: 'E11000 duplicate key' },
        { index: 2, code: 2, errmsg: 'invalid key: "$x"' },
      ]);
    });
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    await assert.rejects(backend.send(events), (error: unknown) => {
      assert.ok(error instanceof PartialDeliveryError);
      assert.equal(error.failures.length, 1);
      assert.equal(error.failures[0]!.index, 2);
      assert.equal(error.failures[0]!.retryable, false);
      assert.match(String((error.failures[0]!.error as Error).message), /id-2.*ev\.2.*invalid key/);
      return true;
    });
  });

  test('transient per-document errors are retryable', async () => {
    const fake = fakeClient(() => {
      throw bulkError([{ index: 1, code: 91, errmsg: 'ShutdownInProgress' }]);
    });
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    await assert.rejects(backend.send(events), (error: unknown) => error instanceof PartialDeliveryError && error.failures[0]!.retryable === true);
  });

  test('network errors, and bulk errors without per-document errors, reject the whole batch (to be retried)', async () => {
    const network = new MongoNetworkError('connection closed');
    const backend = new MongoBackend({ client: fakeClient(() => { throw network; }).client, indexes: false });
    await assert.rejects(backend.send(events), (error: unknown) => error === network);

    const empty = bulkError([]);
    const backend2 = new MongoBackend({ client: fakeClient(() => { throw empty; }).client, indexes: false });
    await assert.rejects(backend2.send(events), (error: unknown) => error === empty);

    const writeConcern = bulkError([{ index: 1, code: 11000, errmsg: 'dup' }], { err: { code: 64, errmsg: 'waiting for replication timed out' } });
    const backend3 = new MongoBackend({ client: fakeClient(() => { throw writeConcern; }).client, indexes: false });
    await assert.rejects(backend3.send(events), (error: unknown) => error === writeConcern);
  });

  test('an oversized document is reported alone and the rest are still inserted', async () => {
    const limit = 2_000;
    const fake = fakeClient((docs) => {
      if (docs.some((d) => BSON.calculateObjectSize(d) > limit)) throw new MongoInvalidArgumentError(`Document is larger than the maximum size ${limit}`);
    });
    const big = { ...events[1]!, data: { blob: 'x'.repeat(3_000) } };
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    await assert.rejects(backend.send([events[0]!, big, events[2]!]), (error: unknown) => {
      assert.ok(error instanceof PartialDeliveryError);
      assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[1, false]]);
      assert.match(String((error.failures[0]!.error as Error).message), /over the 2000-byte limit/);
      return true;
    });
    assert.deepEqual(fake.calls.map((c) => c.docs.map((d) => d._id)), [['id-0', 'id-1', 'id-2'], ['id-0', 'id-2']]);
  });

  test('a document exactly at the limit is set aside too (the driver refuses size >= limit)', async () => {
    const big = { ...events[1]!, data: { blob: 'x'.repeat(3_000) } };
    const limit = BSON.calculateObjectSize({ _id: big.id, name: big.name, timestamp: big.timestamp, context: big.context, data: big.data });
    const fake = fakeClient((docs) => {
      // The driver's own check (bulk/unordered.js): bsonSize >= maxBsonObjectSize.
      if (docs.some((d) => BSON.calculateObjectSize(d) >= limit)) throw new MongoInvalidArgumentError(`Document is larger than the maximum size ${limit}`);
    });
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    await assert.rejects(backend.send([events[0]!, big, events[2]!]), (error: unknown) => {
      assert.ok(error instanceof PartialDeliveryError, `expected a PartialDeliveryError, got ${String(error)}`);
      assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[1, false]]);
      return true;
    });
    assert.deepEqual(fake.calls.map((c) => c.docs.map((d) => d._id)), [['id-0', 'id-1', 'id-2'], ['id-0', 'id-2']]);
  });

  test('per-document errors after setting oversized documents aside keep their batch index', async () => {
    const limit = 2_000;
    const fake = fakeClient((docs) => {
      if (docs.some((d) => BSON.calculateObjectSize(d) > limit)) throw new MongoInvalidArgumentError(`Document is larger than the maximum size ${limit}`);
      throw bulkError([{ index: 1, code: 2, errmsg: 'bad' }]); // docs[1] is events[3] once the big one is gone
    });
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    const big = { ...events[1]!, data: { blob: 'x'.repeat(3_000) } };
    await assert.rejects(backend.send([events[0]!, big, events[3]!]), (error: unknown) => {
      assert.ok(error instanceof PartialDeliveryError);
      assert.deepEqual(error.failures.map((f) => f.index).sort(), [1, 2]);
      return true;
    });
  });

  test('a closed backend refuses to send', async () => {
    const backend = new MongoBackend({ client: fakeClient(() => {}).client, indexes: false });
    await backend.close();
    await backend.close();
    await assert.rejects(backend.send(events), EventTrackError);
  });
});

describe('MongoBackend indexes', () => {
  test('created once, lazily, off the send path; refused ones are reported, not thrown', async () => {
    const reported: string[] = [];
    const fake = fakeClient(
      () => {},
      (key, options) => {
        if ('expireAfterSeconds' in options) throw Object.assign(new Error('Index option "expireAfterSeconds" is not implemented yet'), { name: 'MongoServerError', code: 238 });
        return Object.keys(key).join('+');
      },
    );
    const backend = new MongoBackend({ client: fake.client, retentionSeconds: 60, contextIndexes: ['user_id'], onIndexError: (e) => reported.push(e.message) });
    await backend.send(events);
    await backend.send(events);
    const report = await backend.init();
    assert.deepEqual(report.created, ['name+timestamp', 'timestamp', 'context.user_id+timestamp']);
    assert.deepEqual(report.failed.map((f) => f.index), ['timestamp_-1 (TTL 60s)']);
    assert.equal(reported.length, 1);
    assert.match(reported[0]!, /expireAfterSeconds/);
    assert.deepEqual(fake.indexCalls, [
      { key: { name: 1, timestamp: -1 }, options: {} },
      { key: { timestamp: -1 }, options: { expireAfterSeconds: 60 } },
      { key: { timestamp: -1 }, options: {} },
      { key: { 'context.user_id': 1, timestamp: -1 }, options: {} },
    ]);
    assert.equal(await backend.init(), report);
  });

  test('an unreachable server leaves index creation to the next send', async () => {
    let reachable = false;
    const fake = fakeClient(
      () => {},
      (key) => {
        if (!reachable) throw Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' });
        return Object.keys(key).join('+');
      },
    );
    const reported: unknown[] = [];
    const backend = new MongoBackend({ client: fake.client, onIndexError: (e) => reported.push(e) });
    const first = await backend.init();
    assert.equal(first.unreachable, true);
    reachable = true;
    await backend.send(events);
    const second = await backend.init();
    assert.notEqual(second, first);
    assert.equal(second.unreachable, false);
    assert.equal(second.created.length, 2);
    assert.equal(reported.length, 0);
  });

  test('a throwing onIndexError listener is contained', async () => {
    const fake = fakeClient(() => {}, () => {
      throw Object.assign(new Error('nope'), { name: 'MongoServerError' });
    });
    const backend = new MongoBackend({
      client: fake.client,
      onIndexError: () => {
        throw new Error('listener bug');
      },
    });
    const report = await backend.init();
    assert.equal(report.failed.length, 2);
  });
});

describe('MongoBackend.send: events MongoDB cannot hold', () => {
  test('a processor output with a cycle, a BigInt or a function fails alone; the others are inserted with escaped keys', async () => {
    const fake = fakeClient(() => {});
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const bad: Record<number, unknown> = { 2: { cycle }, 5: { n: 1n }, 7: { f: () => 1 } };
    const batch: TrackedEvent[] = Array.from({ length: 10 }, (_, i) => ({ ...events[0]!, id: `id-${i}`, data: (bad[i] ?? { '$where': i, 'a.b': i }) as TrackedEvent['data'] }));
    const error = await backend.send(batch).then(() => assert.fail('expected a PartialDeliveryError'), (e: unknown) => e);
    assert.ok(error instanceof PartialDeliveryError);
    assert.deepStrictEqual(error.failures.map((f) => [f.index, f.retryable]), [[2, false], [5, false], [7, false]]);
    assert.equal(fake.calls.length, 1);
    assert.deepStrictEqual(fake.calls[0]!.docs.map((d) => d._id), ['id-0', 'id-1', 'id-3', 'id-4', 'id-6', 'id-8', 'id-9']);
    assert.deepStrictEqual(fake.calls[0]!.docs[1]!.data, { '~swhere': 1, 'a~db': 1 });
  });

  test('a batch of only unstorable events inserts nothing', async () => {
    const fake = fakeClient(() => {});
    const backend = new MongoBackend({ client: fake.client, indexes: false });
    await assert.rejects(backend.send([{ ...events[0]!, data: { n: 1n } as unknown as TrackedEvent['data'] }]), PartialDeliveryError);
    assert.equal(fake.calls.length, 0);
  });
});
