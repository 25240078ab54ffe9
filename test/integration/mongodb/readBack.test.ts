// Issue #10.4, MongoDB side: an insert that lands although its attempt is
// reported failed (a lost reply, a write held on a hung connection that runs
// before the read-back) is not reported dropped: the ids are read back first.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { mongodbUrl, skipUnless, uniqueDbName } from '../../support/env.js';

/** Stores the batch, then fails as if the reply had been lost on the way back. */
class LostReplyBackend extends MongoBackend {
  override async send(events: readonly TrackedEvent[]): Promise<void> {
    await super.send(events);
    throw Object.assign(new Error('connection reset before the reply'), { name: 'MongoNetworkError' });
  }
}

describe('MongoBackend read-back before a drop', { skip: skipUnless('mongodb') }, () => {
  const db = uniqueDbName('readback');
  let client: MongoClient;
  before(async () => {
    client = new MongoClient(mongodbUrl!);
    await client.connect();
  });
  after(async () => {
    await client.db(db).dropDatabase().catch(() => undefined);
    await client.close();
  });

  test('stored events whose every attempt was reported failed count as delivered, not dropped', async () => {
    const backend = new LostReplyBackend({ client, db, indexes: false });
    const tracker = createTracker({
      backends: { mongo: backend },
      delivery: { batchSize: 10, flushIntervalMs: 5, maxRetries: 1, retryBaseDelayMs: 5, retryMaxDelayMs: 10 },
    });
    tracker.on('error', () => undefined);
    const drops: number[] = [];
    tracker.on('drop', (notice) => drops.push(notice.count));
    for (let i = 0; i < 3; i++) tracker.emit('lost.reply', { i });
    await tracker.flush(10_000);
    const stats = tracker.stats().backends['mongo']!;
    assert.equal(await client.db(db).collection('events').countDocuments(), 3);
    assert.deepEqual([stats.sent, stats.dropped], [3, 0], JSON.stringify(stats));
    assert.deepEqual(drops, []);
    await tracker.shutdown(2_000);
  });

  test('storedIds lists exactly the ids present', async () => {
    const backend = new MongoBackend({ client, db, collection: 'some', indexes: false });
    const at = new Date();
    const events = ['a', 'b', 'c'].map((id) => ({ id: `rb-${id}`, name: 'x', timestamp: at, context: {}, data: {} }));
    await backend.send([events[1]!]);
    assert.deepEqual(await backend.storedIds(events), ['rb-b']);
  });
});
