// Scenarios: honest accounting and context isolation while a server is down.
// - Over a 4 s FerretDB outage at a high emit rate (small queue, so events
//   overflow and batches run out of retries), every sample of the tracker's
//   stats satisfies `emitted == sent + dropped + queued + inFlight` for each
//   backend, and MongoDB holds everything reported sent, once.
// - 300 concurrent HTTP requests, each in its own context, while FerretDB is
//   SIGKILLed and restarted: no event carries another request's context.
// Both already hold.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { LoggerBackend } from '../../src/backends/logger/LoggerBackend.js';
import { MemoryBackend } from '../../src/backends/memory/MemoryBackend.js';
import { MongoBackend } from '../../src/backends/mongodb/MongoBackend.js';
import { wrapHttpHandler } from '../../src/integrations/http.js';
import { createTracker } from '../../src/tracker/createTracker.js';
import { skipUnlessBinary, uniqueDbName } from '../support/env.js';
import { faultyFerretDB, figures, peakRssMiB, sleep, type FaultyFerretDB } from './faults.js';

const FAST_FAIL = { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300, heartbeatFrequencyMS: 500 };

describe('scenario: accounting and contexts during outages', { skip: skipUnlessBinary('ferretdb'), timeout: 120_000 }, () => {
  let server: FaultyFerretDB;
  let dir: string;
  before(async () => {
    server = await faultyFerretDB();
    dir = mkdtempSync(join(tmpdir(), 'eventtrack-scenario-'));
  });
  after(async () => {
    server.resume();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('stats identity emitted == sent + dropped + queued + inFlight at every sample of a 4 s outage', { timeout: 60_000 }, async () => {
    const db = uniqueDbName('ident');
    const path = join(dir, 'identity.jsonl');
    const tracker = createTracker({
      backends: {
        mongo: { backend: new MongoBackend({ url: server.url, db, clientOptions: FAST_FAIL }), delivery: { maxQueueSize: 2_000 } },
        log: new LoggerBackend({ path }),
      },
      delivery: { batchSize: 200, flushIntervalMs: 20, maxRetries: 3, retryBaseDelayMs: 50, retryMaxDelayMs: 200, sendTimeoutMs: 500 },
    });
    tracker.on('error', () => undefined);
    let samples = 0;
    const violations: string[] = [];
    const check = () => {
      const stats = tracker.stats();
      samples += 1;
      for (const [name, b] of Object.entries(stats.backends)) {
        const sum = b.sent + b.dropped + b.queued + b.inFlight;
        if (sum !== stats.emitted) violations.push(`${name}: emitted ${stats.emitted} != ${sum} (${JSON.stringify(b)})`);
      }
    };
    const started = performance.now();
    let emitted = 0;
    try {
      // 6 s at about 10 000 events/s; the server is down from 1 s to 5 s.
      let crashed = false;
      let restarted = false;
      while (performance.now() - started < 6_000) {
        const t = performance.now() - started;
        if (!crashed && t >= 1_000) {
          crashed = true;
          await server.crash();
        }
        if (!restarted && t >= 5_000) {
          restarted = true;
          await server.restart();
        }
        for (let j = 0; j < 100; j++) tracker.emit('identity.tick', { seq: emitted++ });
        check();
        await sleep(10);
      }
      const report = await tracker.flush(20_000);
      check();
      const stats = tracker.stats();
      const mongo = stats.backends['mongo']!;
      const log = stats.backends['log']!;
      const client = new MongoClient(server.url);
      let stored: number;
      let distinct: number;
      try {
        const collection = client.db(db).collection('events');
        stored = await collection.countDocuments();
        distinct = (await collection.distinct('_id')).length;
      } finally {
        await client.close();
      }
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').length;
      figures('stats-identity-outage', {
        emitted: stats.emitted,
        samples,
        violations: violations.length,
        mongoSent: mongo.sent,
        mongoPendingAfterFlush: report.pending,
        mongoDropped: mongo.dropped,
        mongoDropReasons: JSON.stringify(mongo.dropReasons),
        mongoStored: stored,
        mongoLostUnreported: Math.max(0, mongo.sent - stored),
        mongoDroppedButStored: Math.max(0, stored - mongo.sent),
        mongoDuplicated: stored - distinct,
        loggerLines: lines,
        elapsedMs: Math.round(performance.now() - started),
        peakRssMiB: peakRssMiB(),
      });
      assert.deepEqual(violations.slice(0, 3), []);
      assert.equal(stats.emitted, emitted);
      // `complete` is false when batches still retrying at the flush ran out of retries during it, or
      // when a batch is still in doubt at its deadline (a send that timed out during the outage and
      // has not settled: MongoBackend keeps it in flight rather than report a drop the store could
      // contradict). Either way the identity holds, with what is still in flight counted.
      assert.equal(report.complete, report.dropped === 0 && report.pending === 0);
      assert.ok(mongo.dropped > 0, 'the outage must have dropped something (queue-full or retries-exhausted)');
      assert.equal(mongo.sent + mongo.dropped + mongo.queued + mongo.inFlight, emitted);
      assert.equal(mongo.queued + mongo.inFlight, report.backends['mongo']!.pending);
      // Everything reported sent is stored. A batch whose sends timed out while the server was
      // coming back can still land after it was reported dropped (defect 4 of issue #10, asserted
      // exactly in mongo.test.ts); here it may only be one of those.
      assert.ok(stored >= mongo.sent, `stored ${stored} < sent ${mongo.sent}`);
      assert.ok(stored - mongo.sent <= (mongo.dropReasons['retries-exhausted'] ?? 0) + mongo.inFlight, 'only batches reported dropped after timing out, or still in doubt, may be stored beyond what was sent');
      assert.equal(distinct, stored);
      assert.equal(log.sent, emitted);
      assert.equal(lines, emitted);
    } finally {
      await tracker.shutdown(5_000);
    }
  });

  test('no context bleed across 300 concurrent HTTP requests while FerretDB is SIGKILLed and restarted', { timeout: 60_000 }, async () => {
    const db = uniqueDbName('bleed');
    const memory = new MemoryBackend();
    const tracker = createTracker({
      backends: { mongo: new MongoBackend({ url: server.url, db, clientOptions: FAST_FAIL }), memory },
      delivery: { batchSize: 100, flushIntervalMs: 20, maxRetries: 100, retryBaseDelayMs: 50, retryMaxDelayMs: 300, sendTimeoutMs: 1_000 },
    });
    tracker.on('error', () => undefined);
    const http = createServer(
      wrapHttpHandler(tracker, async (req, res) => {
        const rid = String(req.headers['x-rid']);
        await tracker.context('client', { rid }, async () => {
          for (let step = 0; step < 3; step++) {
            await sleep(Math.floor(Math.random() * 30));
            tracker.emit('request.step', { rid, step });
          }
        });
        res.end('ok');
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    const get = (rid: number) =>
      new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: `/r/${rid}`, headers: { 'x-rid': String(rid), connection: 'close' } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
    const requests = 300;
    try {
      const all: Promise<void>[] = [];
      for (let rid = 0; rid < requests; rid++) {
        if (rid === 100) await server.crash();
        if (rid === 200) await server.restart();
        all.push(get(rid));
        await sleep(2);
      }
      await Promise.all(all);
      const report = await tracker.flush(20_000);
      const client = new MongoClient(server.url);
      let docs: { context: Record<string, unknown>; data: Record<string, unknown> }[];
      try {
        docs = (await client.db(db).collection('events').find({}).toArray()) as never;
      } finally {
        await client.close();
      }
      const bleed = (events: readonly { context: Record<string, unknown>; data: Record<string, unknown> }[]) =>
        events.filter((e) => (e.context['rid'] as unknown) !== e.data['rid']).length;
      const requestIds = new Set(memory.events.map((e) => e.context['request_id']));
      figures('context-bleed-under-faults', {
        requests,
        events: memory.events.length,
        mongoStored: docs.length,
        bleedMemory: bleed(memory.events as never),
        bleedMongo: bleed(docs),
        distinctRequestIds: requestIds.size,
      });
      assert.equal(report.complete, true);
      assert.equal(memory.events.length, requests * 3);
      assert.equal(docs.length, requests * 3);
      assert.equal(bleed(memory.events as never), 0);
      assert.equal(bleed(docs), 0);
      // Each request's events share one request id, different from every other request's.
      const byRid = new Map<unknown, Set<unknown>>();
      for (const e of memory.events) byRid.set(e.data['rid'], (byRid.get(e.data['rid']) ?? new Set()).add(e.context['request_id']));
      assert.equal(byRid.size, requests);
      assert.ok([...byRid.values()].every((ids) => ids.size === 1));
      assert.equal(requestIds.size, requests);
    } finally {
      await new Promise((resolve) => http.close(resolve));
      await tracker.shutdown(5_000);
    }
  });
});
