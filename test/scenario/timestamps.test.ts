// Scenario: timestamps outside what a Date, MongoDB and the calendar can
// represent, emitted to real backends (a JSON-lines file and FerretDB).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { LoggerBackend } from '../../src/backends/logger/LoggerBackend.js';
import { MongoBackend } from '../../src/backends/mongodb/MongoBackend.js';
import { ValidationError } from '../../src/errors.js';
import { createTracker } from '../../src/tracker/createTracker.js';
import type { DropNotice } from '../../src/tracker/TrackerEvents.js';
import { skipUnlessBinary, uniqueDbName } from '../support/env.js';
import { faultyFerretDB, figures, type FaultyFerretDB } from './faults.js';

/** Finite epoch ms that no Date can hold (|t| > 8.64e15). */
const OUT_OF_RANGE = [1e20, -1e20, 8.64e15 + 1];

describe('scenario: out-of-range timestamps', { skip: skipUnlessBinary('ferretdb'), timeout: 60_000 }, () => {
  let server: FaultyFerretDB;
  let dir: string;
  before(async () => {
    server = await faultyFerretDB();
    dir = mkdtempSync(join(tmpdir(), 'eventtrack-scenario-ts-'));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // DEFECT 6 (issue #10): `emit(name, data, { timestamp: 1e20 })` is accepted
  // as an Invalid Date: on main the logger cannot write it and MongoDB stores
  // 1970-01-01 (or the batch fails). It must be rejected before any backend:
  // an `invalid-timestamp` drop (stats, `drop` event, ValidationError on
  // `error`) — and a thrown ValidationError in strict mode.
  test('DEFECT 6: emit with timestamp 1e20 is rejected as invalid-timestamp; strict mode throws ValidationError', async () => {
    const db = uniqueDbName('ts');
    const path = join(dir, 'ts.jsonl');
    const tracker = createTracker({
      backends: { mongo: new MongoBackend({ url: server.url, db }), log: new LoggerBackend({ path }) },
      delivery: { maxRetries: 1, retryBaseDelayMs: 10, sendTimeoutMs: 2_000 },
    });
    const drops: DropNotice[] = [];
    const errors: unknown[] = [];
    tracker.on('drop', (notice) => drops.push(notice));
    tracker.on('error', (error) => errors.push(error));
    try {
      tracker.emit('ts.ok', { i: 0 });
      for (const timestamp of OUT_OF_RANGE) tracker.emit('ts.bad', { timestamp }, { timestamp });
      tracker.emit('ts.ok', { i: 1 });
      await tracker.flush(10_000);
      const stats = tracker.stats();
      const client = new MongoClient(server.url);
      let stored: { name: string; timestamp: Date }[];
      try {
        stored = (await client.db(db).collection('events').find({}).toArray()) as never;
      } finally {
        await client.close();
      }
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
      const reason = 'invalid-timestamp';
      figures('out-of-range-timestamps', {
        emitted: 2 + OUT_OF_RANGE.length,
        accepted: stats.emitted,
        rejected: (stats.dropped as Record<string, number>)[reason] ?? 0,
        mongoStoredBad: stored.filter((d) => d.name === 'ts.bad').length,
        mongoBadTimestamps: JSON.stringify(stored.filter((d) => d.name === 'ts.bad').map((d) => d.timestamp)),
        loggerLines: lines.length,
      });
      assert.equal(stats.emitted, 2, 'only the two valid events are accepted');
      assert.equal((stats.dropped as Record<string, number>)[reason], OUT_OF_RANGE.length);
      assert.equal(drops.filter((d) => d.reason === (reason as never)).length, OUT_OF_RANGE.length);
      assert.equal(errors.filter((e) => e instanceof ValidationError && e.reason === reason).length, OUT_OF_RANGE.length);
      assert.deepEqual(stored.map((d) => d.name).sort(), ['ts.ok', 'ts.ok']);
      assert.equal(lines.length, 2);
      assert.deepEqual(stats.backends['mongo']!.dropped + stats.backends['log']!.dropped, 0);

      const strict = createTracker({ strict: true, backends: {} });
      try {
        for (const timestamp of OUT_OF_RANGE) {
          assert.throws(
            () => strict.emit('ts.bad', {}, { timestamp }),
            (error: unknown) => error instanceof ValidationError && error.reason === reason,
            `strict emit with timestamp ${timestamp}`,
          );
        }
      } finally {
        await strict.shutdown();
      }
    } finally {
      await tracker.shutdown(5_000);
    }
  });
});
