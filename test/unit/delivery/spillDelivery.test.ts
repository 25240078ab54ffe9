import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { TrackerOptions } from '../../../src/tracker/TrackerOptions.js';
import type { DropNotice } from '../../../src/tracker/TrackerEvents.js';
import type { EventTrackError } from '../../../src/errors.js';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eventtrack-spill-delivery-'));
  dirs.push(dir);
  return dir;
}

/** A backend that fails while `down` and records what it receives (by `data.i`). */
function flaky(down = false) {
  const state = { down, received: [] as number[], calls: 0 };
  const send = (events: readonly TrackedEvent[]): void => {
    state.calls++;
    if (state.down) throw new Error('backend down');
    for (const event of events) state.received.push((event.data as { i: number }).i);
  };
  return { state, send };
}

function tracker(options: TrackerOptions) {
  const drops: DropNotice[] = [];
  const errors: EventTrackError[] = [];
  const t = createTracker({ warnings: false, ...options });
  t.on('drop', (d) => drops.push(d)).on('error', (e) => errors.push(e));
  return { tracker: t, drops, errors };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe("delivery.spill, mode 'always' (write-ahead)", () => {
  test('every event is written to the spill before it is sent, and acknowledged once delivered', async () => {
    const dir = await tempDir();
    const backend = flaky();
    const { tracker: t, drops } = tracker({ backends: { b: backend.send }, delivery: { spill: { dir, mode: 'always' }, batchSize: 100, flushIntervalMs: 5 } });
    for (let i = 0; i < 1_000; i++) t.emit('e', { i });
    const report = await t.flush(5_000);
    assert.equal(report.complete, true);
    assert.deepEqual(backend.state.received, range(0, 1_000));
    const spill = t.stats().backends['b']!.spill!;
    assert.equal(spill.spilled, 1_000);
    assert.equal(spill.waiting, 0);
    await until(() => t.stats().backends['b']!.spill!.pendingBytes === 0);
    await t.shutdown();
    assert.deepEqual(drops, []);
  });

  test('shutdown leaves what the backend did not take on disk (pending, not dropped); the next tracker delivers it first, in order, once', async () => {
    const dir = await tempDir();
    const down = flaky(true);
    const first = tracker({ backends: { b: down.send }, delivery: { spill: { dir, mode: 'always' }, batchSize: 50, maxRetries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 5 } });
    for (let i = 0; i < 300; i++) first.tracker.emit('e', { i });
    const report = await first.tracker.shutdown(300);
    assert.equal(report.complete, false);
    assert.equal(report.dropped, 0, 'nothing dropped: retries ran out on disk, not into the void');
    assert.equal(report.pending, 300);
    assert.deepEqual(first.drops, []);
    assert.deepEqual(down.state.received, []);

    const up = flaky();
    const second = tracker({ backends: { b: up.send }, delivery: { spill: { dir, mode: 'always' }, batchSize: 50, flushIntervalMs: 5 } });
    for (let i = 300; i < 350; i++) second.tracker.emit('e', { i });
    const flushed = await second.tracker.flush(5_000);
    assert.equal(flushed.complete, true);
    assert.deepEqual(up.state.received, range(0, 350), 'the replay first, then the new events, each once');
    await second.tracker.shutdown();
    assert.deepEqual(second.drops, []);
  });

  test('a torn last record (a write cut short) is skipped and counted, the rest delivered', async () => {
    const dir = await tempDir();
    const first = tracker({ backends: { b: flaky(true).send }, delivery: { spill: { dir, mode: 'always' }, maxRetries: 0 } });
    for (let i = 0; i < 20; i++) first.tracker.emit('e', { i });
    await first.tracker.shutdown(100);
    const segments = (await readdir(join(dir, 'b'))).filter((f) => f.endsWith('.seg')).sort();
    // Half a record: a length header promising more bytes than follow.
    await appendFile(join(dir, 'b', segments.at(-1)!), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 123, 34]));
    const up = flaky();
    const second = tracker({ backends: { b: up.send }, delivery: { spill: { dir, mode: 'always' }, flushIntervalMs: 5 } });
    await second.tracker.flush(5_000);
    assert.deepEqual(up.state.received, range(0, 20));
    assert.equal(second.tracker.stats().backends['b']!.spill!.torn, 1);
    await second.tracker.shutdown();
  });

  test('two trackers on one folder: the second reports the lock (naming the folder) and keeps its events in memory', async () => {
    const dir = await tempDir();
    const a = tracker({ backends: { b: flaky().send }, delivery: { spill: { dir, mode: 'always' } } });
    const backend = flaky();
    const b = tracker({ backends: { b: backend.send }, delivery: { spill: { dir, mode: 'always' }, flushIntervalMs: 5 } });
    b.tracker.emit('e', { i: 0 });
    await until(() => b.errors.length > 0);
    assert.match(b.errors[0]!.message, /spill could not be opened/);
    assert.ok(b.errors[0]!.message.includes(join(dir, 'b')), b.errors[0]!.message);
    await b.tracker.flush(2_000);
    assert.deepEqual(backend.state.received, [0]);
    await Promise.all([a.tracker.shutdown(), b.tracker.shutdown()]);
  });
});

describe("delivery.spill, mode 'overflow'", () => {
  test('a backend down: memory stays under the byte bound, the rest goes to disk, nothing lost, delivered in order after recovery', async () => {
    const dir = await tempDir();
    const backend = flaky(true);
    const maxQueueBytes = 20_000;
    const { tracker: t, drops } = tracker({
      backends: { b: backend.send },
      delivery: { spill: { dir }, maxQueueBytes, batchSize: 100, flushIntervalMs: 5, maxRetries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 20 },
    });
    const EVENTS = 5_000;
    let peak = 0;
    // At full rate, honouring backpressure: while the backend is down the spill takes what memory cannot hold.
    for (let i = 0; i < EVENTS; i++) {
      if (!t.emit('e', { i, pad: 'x'.repeat(20) })) await t.drain();
      const { queued, spill } = t.stats().backends['b']!;
      peak = Math.max(peak, queued - spill!.waiting);
    }
    await sleep(50);
    const stats = t.stats().backends['b']!;
    assert.ok(stats.spill!.spilled > EVENTS / 2, `spilled ${stats.spill!.spilled}`);
    // In memory: the queue and what waits to be written to the spill, bounded in bytes (~110 bytes each).
    assert.ok(peak * 100 <= maxQueueBytes, `in memory: ${peak} events`);
    await sleep(100);
    backend.state.down = false;
    const report = await t.flush(10_000);
    assert.equal(report.complete, true, JSON.stringify(report));
    const r = backend.state.received;
    const firstOff = r.findIndex((v, i) => v !== i);
    assert.deepEqual(r, range(0, EVENTS), `length ${r.length}, first out of place at ${firstOff}: ${JSON.stringify(r.slice(firstOff - 2, firstOff + 5))}, drops ${JSON.stringify(drops.map((d) => [d.reason, d.count]))}`);
    assert.deepEqual(drops, []);
    // Caught up: back to the queue.
    for (let i = EVENTS; i < EVENTS + 10; i++) t.emit('e', { i });
    await t.flush(2_000);
    assert.equal(t.stats().backends['b']!.spill!.spilled, stats.spill!.spilled, 'caught up, new events go through memory again');
    assert.deepEqual(backend.state.received, range(0, EVENTS + 10));
    await t.shutdown();
  });

  test('a batch whose retries run out is not dropped: it waits on disk and is retried until delivered', async () => {
    const dir = await tempDir();
    const backend = flaky(true);
    const { tracker: t, drops } = tracker({
      backends: { b: backend.send },
      delivery: { spill: { dir }, batchSize: 10, flushIntervalMs: 1, maxRetries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 10 },
    });
    for (let i = 0; i < 30; i++) t.emit('e', { i });
    await until(() => (t.stats().backends['b']!.spill?.spilled ?? 0) > 0);
    await until(() => backend.state.calls > 10);
    backend.state.down = false;
    const report = await t.flush(5_000);
    assert.equal(report.complete, true);
    assert.deepEqual(backend.state.received, range(0, 30));
    assert.deepEqual(drops, []);
    await t.shutdown();
  });

  test('a permanent refusal still drops (rejected); a full spill drops (spill-full)', async () => {
    const dir = await tempDir();
    const refusing = tracker({
      backends: { b: () => { throw Object.assign(new Error('no'), { retryable: false }); } },
      delivery: { spill: { dir }, flushIntervalMs: 1 },
    });
    refusing.tracker.emit('e', { i: 0 });
    await refusing.tracker.flush(2_000);
    assert.deepEqual(refusing.drops.map((d) => d.reason), ['rejected']);
    await refusing.tracker.shutdown();

    const small = await tempDir();
    const full = tracker({
      backends: { b: flaky(true).send },
      delivery: { spill: { dir: small, maxBytes: 4_096 }, maxQueueBytes: 2_000, batchSize: 1_000, maxRetries: 0 },
    });
    for (let i = 0; i < 200; i++) {
      full.tracker.emit('e', { i, pad: 'y'.repeat(30) });
      if (i % 10 === 0) await sleep(1);
    }
    await until(() => (full.tracker.stats().backends['b']!.dropReasons['spill-full'] ?? 0) > 0);
    const stats = full.tracker.stats().backends['b']!;
    assert.ok(stats.spill!.bytes <= 4_096);
    await full.tracker.shutdown(100);
    const after = full.tracker.stats().backends['b']!;
    assert.equal(after.spill!.spilled + after.dropped, 200, JSON.stringify(after));
  });
});
