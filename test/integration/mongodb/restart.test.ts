// The server stops and comes back (same port, same data) while events keep
// coming: the tracker's retries plus `_id` = event id mean none is lost and
// none is stored twice. Starts a FerretDB of its own, since it must kill it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import { skipUnlessBinary } from '../../support/env.js';
import { startFerretDB, type FerretDBServer } from '../../support/servers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MongoBackend across a server restart', { skip: skipUnlessBinary('ferretdb') }, () => {
  let server: FerretDBServer;
  before(async () => {
    server = await startFerretDB();
  });
  after(async () => {
    await server.stop();
  });

  test('no event lost or duplicated when FerretDB is stopped and restarted mid-stream', async () => {
    const backend = new MongoBackend({
      url: server.url,
      db: 'restart',
      // Fail fast while the server is down; the delivery layer retries.
      clientOptions: { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500, heartbeatFrequencyMS: 500 },
    });
    const tracker = createTracker({
      backends: { mongo: backend },
      delivery: { batchSize: 50, flushIntervalMs: 20, maxRetries: 100, retryBaseDelayMs: 50, retryMaxDelayMs: 400, sendTimeoutMs: 2_000 },
    });
    const errors: string[] = [];
    tracker.on('error', (e) => errors.push(e.message));

    // Events keep coming for ~3 s; meanwhile the server crashes (SIGKILL,
    // batches in flight) and comes back on the same port and data.
    const total = 3_000;
    let emitted = 0;
    const stream = (async () => {
      while (emitted < total) {
        for (let j = 0; j < 15; j++) tracker.emit('stream.tick', { seq: emitted++ });
        await sleep(15);
      }
    })();
    await sleep(400);
    await server.halt('SIGKILL');
    const downAt = emitted;
    // Twice serverSelectionTimeoutMS: sends must fail, not just wait out the outage (mongodb 7 waits in server selection).
    await sleep(1_000);
    await server.start();
    const upAt = emitted;
    await stream;
    const report = await tracker.shutdown(30_000);
    assert.ok(downAt > 0 && upAt > downAt && upAt < total, `outage must fall mid-stream (${downAt}..${upAt} of ${total})`);

    const stats = tracker.stats().backends['mongo']!;
    assert.equal(stats.dropped, 0, JSON.stringify({ stats, report }));
    assert.equal(stats.sent, total, JSON.stringify(stats));
    assert.ok(stats.failed > 0, 'the outage should have failed some sends');
    assert.ok(errors.length > 0);

    const client = new MongoClient(server.url);
    try {
      const docs = await client.db('restart').collection('events').find({}, { projection: { _id: 1, 'data.seq': 1 } }).toArray();
      assert.equal(docs.length, total);
      assert.equal(new Set(docs.map((d) => String(d._id))).size, total);
      const seqs = docs.map((d) => (d['data'] as { seq: number }).seq).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i));
    } finally {
      await client.close();
    }
  });
});
