// MongoEventStore's argument checks against a stand-in collection (no server).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MongoClient } from 'mongodb';
import { QueryError } from '../../../../src/errors.js';
import { MongoEventStore } from '../../../../src/backends/mongodb/MongoEventStore.js';

/** A client whose collection records the limits of the finds it was asked for and returns no documents. */
function fakeClient(): { client: MongoClient; limits: unknown[] } {
  const limits: unknown[] = [];
  const cursor = {
    sort: () => cursor,
    batchSize: () => cursor,
    limit: (n: unknown) => {
      limits.push(n);
      return cursor;
    },
    close: async () => undefined,
    async *[Symbol.asyncIterator]() {},
  };
  const collection = { find: () => cursor };
  const client = { db: () => ({ collection: () => collection }) } as unknown as MongoClient;
  return { client, limits };
}

describe('MongoEventStore.findPage', () => {
  test('asks for one event more than the page size (to know whether a next page exists)', async () => {
    const fake = fakeClient();
    const store = new MongoEventStore({ client: fake.client, batchSize: 20 });
    assert.deepEqual(await store.findPage({ limit: 5 }), { events: [], next: undefined });
    await store.findPage();
    assert.deepEqual(fake.limits, [6, 21]);
  });

  test('a bad page size is a QueryError naming limit, with the value given', async () => {
    const store = new MongoEventStore({ client: fakeClient().client });
    for (const limit of [-1, 1.5, Number.NaN]) {
      await assert.rejects(store.findPage({ limit }), (error: unknown) => {
        assert.ok(error instanceof QueryError, String(error));
        assert.equal(error.field, 'limit');
        assert.match(error.message, new RegExp(`got ${String(limit)}$`));
        return true;
      });
    }
  });
});
