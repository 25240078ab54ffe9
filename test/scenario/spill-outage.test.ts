// Scenario: MongoBackend (FerretDB of its own) with `delivery.spill` in
// 'overflow' mode; the server is SIGKILLed for ~3 s while events stream in at a
// steady rate. Memory stays under the byte bound (what does not fit goes to the
// spill), retries that run out wait on disk, and once the server is back every
// event is stored exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { MongoBackend } from '../../src/backends/mongodb/MongoBackend.js';
import { createTracker } from '../../src/tracker/createTracker.js';
import { skipUnlessBinary, uniqueDbName } from '../support/env.js';
import { faultyFerretDB, figures, sleep, type FaultyFerretDB } from './faults.js';

const FAST_FAIL = { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500, heartbeatFrequencyMS: 500 };

describe('scenario: spill overflow through a MongoDB outage', { skip: skipUnlessBinary('ferretdb'), timeout: 120_000 }, () => {
  let server: FaultyFerretDB;
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-spill-outage-'));
  before(async () => {
    server = await faultyFerretDB();
  });
  after(async () => {
    server.resume();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('server down ~3 s: memory under maxQueueBytes, the rest on disk, every event stored once after recovery', { timeout: 90_000 }, async () => {
    const db = uniqueDbName('spill');
    const maxQueueBytes = 64 * 1024;
    const tracker = createTracker({
      backends: { mongo: new MongoBackend({ url: server.url, db, clientOptions: FAST_FAIL }) },
      delivery: { spill: { dir }, maxQueueBytes, batchSize: 100, flushIntervalMs: 20, maxRetries: 2, retryBaseDelayMs: 50, retryMaxDelayMs: 500, sendTimeoutMs: 2_000 },
      warnings: false,
    });
    const total = 6_000;
    let emitted = 0;
    let peakInMemory = 0;
    let crashedAt = 0;
    let downMs = 0;
    try {
      while (emitted < total) {
        if (emitted === 1_200) {
          await server.crash();
          crashedAt = performance.now();
        }
        if (crashedAt > 0 && downMs === 0 && performance.now() - crashedAt > 3_000) {
          await server.restart();
          downMs = performance.now() - crashedAt;
        }
        for (let j = 0; j < 60; j++) tracker.emit('outage.tick', { seq: emitted++, pad: 'p'.repeat(40) });
        const { queued, spill } = tracker.stats().backends['mongo']!;
        peakInMemory = Math.max(peakInMemory, queued - spill!.waiting);
        await sleep(10);
      }
      if (downMs === 0) {
        await sleep(Math.max(0, 3_000 - (performance.now() - crashedAt)));
        await server.restart();
        downMs = performance.now() - crashedAt;
      }
      const report = await tracker.flush(60_000);
      const stats = tracker.stats().backends['mongo']!;
      const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 });
      const docs = await client.db(db).collection('events').find({}, { projection: { _id: 1, 'data.seq': 1 } }).toArray();
      await client.close();
      const ids = new Set(docs.map((d) => String(d._id)));
      const seqs = docs.map((d) => (d['data'] as { seq: number }).seq).sort((a, b) => a - b);
      figures('spill-overflow-mongo-outage', {
        events: total,
        stored: docs.length,
        spilled: stats.spill!.spilled,
        peakEventsInMemory: peakInMemory,
        failedSends: stats.failed,
        downMs: Math.round(downMs),
      });
      assert.equal(report.complete, true, JSON.stringify(report));
      assert.equal(stats.dropped, 0, JSON.stringify(stats.dropReasons));
      assert.ok(stats.spill!.spilled > 0, 'the outage must have sent events to the spill');
      // About 160 bytes of JSON each: what memory held stayed under the bound.
      assert.ok(peakInMemory * 150 <= maxQueueBytes, `${peakInMemory} events in memory`);
      assert.equal(docs.length, total);
      assert.equal(ids.size, total);
      assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i));
    } finally {
      await tracker.shutdown(5_000);
    }
  });
});
