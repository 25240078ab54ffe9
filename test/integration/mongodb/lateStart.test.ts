// The application starts before its database (issue #10.1): nothing listens
// on the port at the first send, FerretDB starts there later, and every event
// is stored — the backend connects explicitly and again after a failed
// connect instead of keeping a closed topology. Same for MongoEventStore.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import { MongoEventStore } from '../../../src/backends/mongodb/MongoEventStore.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { skipUnlessBinary } from '../../support/env.js';
import { freePort, startFerretDB, type FerretDBServer } from '../../support/servers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST_FAIL = { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300, heartbeatFrequencyMS: 500 };

describe('MongoDB unreachable at first use, started later on the same port', { skip: skipUnlessBinary('ferretdb') }, () => {
  test('MongoBackend: 100 events emitted before the server exists are all stored once it starts', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'eventtrack-late-'));
    let server: FerretDBServer | undefined;
    const backend = new MongoBackend({ url: `mongodb://127.0.0.1:${port}/`, db: 'late', clientOptions: FAST_FAIL });
    const tracker = createTracker({
      backends: { mongo: backend },
      delivery: { batchSize: 25, flushIntervalMs: 20, maxRetries: 1000, retryBaseDelayMs: 50, retryMaxDelayMs: 200, sendTimeoutMs: 2_000 },
    });
    const errors: string[] = [];
    tracker.on('error', (error) => errors.push(error.message));
    try {
      for (let i = 0; i < 100; i++) tracker.emit('late.start', { i });
      await sleep(1_500); // several sends fail: nothing listens on the port
      assert.ok(errors.length > 0, 'sends failed while the server was missing');
      assert.equal(tracker.stats().backends['mongo']!.sent, 0);
      server = await startFerretDB({ port, dir });
      const report = await tracker.flush(20_000);
      const stats = tracker.stats().backends['mongo']!;
      assert.equal(stats.sent, 100, JSON.stringify({ stats, report }));
      assert.equal(stats.dropped, 0);
      const client = new MongoClient(server.url);
      try {
        assert.equal(await client.db('late').collection('events').countDocuments(), 100);
      } finally {
        await client.close();
      }
    } finally {
      await tracker.shutdown(5_000);
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('MongoEventStore: queries fail while the server is missing and succeed once it starts', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'eventtrack-late-'));
    let server: FerretDBServer | undefined;
    const store = new MongoEventStore({ url: `mongodb://127.0.0.1:${port}/`, db: 'late', clientOptions: FAST_FAIL });
    try {
      await assert.rejects(store.countEvents(), { name: 'MongoServerSelectionError' });
      await assert.rejects(store.countEvents(), { name: 'MongoServerSelectionError' }, 'not "Topology is closed"');
      server = await startFerretDB({ port, dir });
      assert.equal(await store.countEvents(), 0);
    } finally {
      await store.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
