// Bulk write errors are recognised by shape, so a client from another copy or
// major of the driver (the application's mongodb 6 while eventtrack sees 7,
// or the reverse) gets exact per-event accounting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MongoBulkWriteError as BulkWriteError7 } from 'mongodb';
import { MongoBulkWriteError as BulkWriteError6 } from 'mongodb6';
import { MongoBackend } from '../../../../src/backends/mongodb/MongoBackend.js';
import type { MongoClientLike } from '../../../../src/backends/mongodb/driver.js';
import { isBulkWriteError } from '../../../../src/backends/mongodb/writeErrors.js';
import { PartialDeliveryError } from '../../../../src/errors.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';

const events: TrackedEvent[] = [0, 1, 2].map((i) => ({ id: `id-${i}`, name: `ev.${i}`, timestamp: new Date(Date.UTC(2024, 0, 1)), context: {}, data: { i } }));

/** The error a driver raises when document 1 of 3 is refused (the others stored), built by that driver's own class. */
function refusedSecond(Class: typeof BulkWriteError6 | typeof BulkWriteError7): Error {
  const writeError = { index: 1, code: 53, errmsg: "The '_id' value cannot be of type array", errInfo: undefined, op: {} };
  return new (Class as unknown as new (error: object, result: object) => Error)(
    { message: writeError.errmsg, code: 53, writeErrors: [writeError] },
    { insertedCount: 2, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0, insertedIds: { 0: 'id-0', 2: 'id-2' }, upsertedIds: {} },
  );
}

function clientThrowing(error: Error): MongoClientLike {
  const collection = {
    insertMany: async () => {
      throw error;
    },
  };
  return { db: () => ({ collection: () => collection }), close: async () => undefined };
}

describe('bulk write errors by shape', () => {
  for (const [major, Class] of [
    ['6', BulkWriteError6],
    ['7', BulkWriteError7],
  ] as const) {
    test(`mongodb ${major}: 2 of 3 stored → exactly 1 failure reported`, async () => {
      const error = refusedSecond(Class);
      assert.ok(isBulkWriteError(error));
      const backend = new MongoBackend({ client: clientThrowing(error), indexes: false });
      await assert.rejects(backend.send(events), (thrown: unknown) => {
        assert.ok(thrown instanceof PartialDeliveryError, String(thrown));
        assert.deepEqual(thrown.failures.map((f) => [f.index, f.retryable]), [[1, false]]);
        return true;
      });
    });
  }

  test('other errors are not bulk write errors', () => {
    assert.equal(isBulkWriteError(Object.assign(new Error('x'), { name: 'MongoNetworkError' })), false);
    assert.equal(isBulkWriteError(null), false);
    assert.equal(isBulkWriteError({ name: 'MongoBulkWriteError', writeErrors: 'nonsense' }), false);
  });
});
