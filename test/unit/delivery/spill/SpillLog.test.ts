import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { serializeEvent } from '../../../../src/backends/logger/serializeEvent.js';
import { HEADER_BYTES } from '../../../../src/delivery/spill/frame.js';
import type { SpillPosition } from '../../../../src/delivery/spill/segmentFiles.js';
import { SpillCursor } from '../../../../src/delivery/spill/SpillCursor.js';
import { SpillLog } from '../../../../src/delivery/spill/SpillLog.js';
import type { SpillOptions } from '../../../../src/delivery/spill/SpillOptions.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';

const context = Object.freeze({ service: 'web', user_id: 7 });
const event = (i: number): TrackedEvent => ({
  id: `0190c5a4-0000-7000-8000-${String(i).padStart(12, '0')}`,
  name: 'spill.test',
  timestamp: new Date(Date.UTC(2026, 10, 29, 12, 0, 0, i)),
  context,
  data: { i, text: 'é✓' },
});
const events = (from: number, count: number): TrackedEvent[] => Array.from({ length: count }, (_, k) => event(from + k));
const idsOf = (list: readonly TrackedEvent[]): number[] => list.map((e) => (e.data as { i: number }).i);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-spill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function openLog(t: TestContext, dir: string, options: Partial<SpillOptions> = {}): Promise<SpillLog> {
  const log = await SpillLog.open('b', { dir, fsync: 'never', ...options });
  t.after(() => log.close());
  return log;
}

/** Reads and acknowledges everything; returns the ids in order. */
async function drain(log: SpillLog, max = 7): Promise<number[]> {
  const out: number[] = [];
  for (;;) {
    const batch = await log.readBatch(max);
    if (batch.events.length === 0) return out;
    out.push(...idsOf(batch.events));
    await batch.ack();
  }
}

async function persistedCursor(dir: string): Promise<SpillPosition | undefined> {
  const file = await SpillCursor.open(join(dir, 'b'));
  await file.close();
  return file.initial;
}

const segmentsIn = (folder: string): string[] => readdirSync(folder).filter((n) => n.endsWith('.seg')).sort();

test('events round trip: same fields, timestamps restored as Date, in order', async (t) => {
  const log = await openLog(t, tempDir(t));
  const appended = await log.append(events(0, 20));
  assert.deepEqual(appended, { status: 'ok', appended: 20, refused: [], end: { segment: 1, offset: log.bytes } });
  const batch = await log.readBatch(100);
  assert.deepEqual(batch.events, events(0, 20));
  assert.ok(batch.events[3]!.timestamp instanceof Date);
  assert.equal(batch.bytes, log.bytes);
  assert.equal(log.unreadBytes, 0);
  assert.equal(log.pendingBytes, log.bytes);
  await batch.ack();
  assert.equal(log.pendingBytes, 0);
  assert.deepEqual(log.counters, { appended: 20, read: 20, acked: 20, torn: 0, tornBytes: 0, corrupted: 0, corruptedBytes: 0, syncs: 0, syncErrors: 0 });
});

test('segments roll at segmentBytes; a segment is deleted once every record in it is acknowledged', async (t) => {
  const dir = tempDir(t);
  const log = await openLog(t, dir, { segmentBytes: 2048 });
  const folder = join(dir, 'b');
  for (let i = 0; i < 10; i++) await log.append(events(i * 10, 10));
  const names = segmentsIn(folder);
  assert.ok(names.length >= 5, `${names.length} segments`);
  assert.equal(names[0], '00000000000000000001.seg');
  for (const name of names.slice(0, -1)) assert.ok(statSync(join(folder, name)).size <= 2048, `${name} is within segmentBytes`);
  assert.equal(log.bytes, names.reduce((s, n) => s + statSync(join(folder, n)).size, 0));

  const first = await log.readBatch(25);
  assert.deepEqual(idsOf(first.events), range(0, 25));
  assert.deepEqual(segmentsIn(folder), names, 'nothing deleted before the ack');
  await first.ack();
  const left = segmentsIn(folder);
  assert.ok(left.length < names.length && left.length > 0, 'the fully delivered segments are gone');
  assert.equal(left[0], names[names.length - left.length]);

  assert.deepEqual(await drain(log), range(25, 100));
  assert.ok(segmentsIn(folder).length <= 1);
  assert.ok(log.bytes < 512, 'caught up: only a segment less than a quarter full is kept');
  await log.append(events(100, 3));
  assert.deepEqual(await drain(log), [100, 101, 102]);
  await log.append(events(103, 5)); // the segment is now over a quarter full
  assert.deepEqual(await drain(log), range(103, 108));
  assert.deepEqual(segmentsIn(folder), [], 'caught up on a segment a quarter full: deleted at once');
  assert.equal(log.bytes, 0);
  await log.append(events(108, 3));
  assert.deepEqual(await drain(log), [108, 109, 110], 'appends after that go to a new segment');
});

test('a batch larger than a segment is written across segments, in order', async (t) => {
  const log = await openLog(t, tempDir(t), { segmentBytes: 1024 });
  await log.append(events(0, 60));
  assert.deepEqual(await drain(log, 1000), range(0, 60));
});

test('reopened, the log resumes from the persisted cursor, in order, across segments', async (t) => {
  const dir = tempDir(t);
  const first = await SpillLog.open('b', { dir, segmentBytes: 1500, fsync: 'never' });
  await first.append(events(0, 40));
  const read = await first.readBatch(15);
  await read.ack();
  const unacked = await first.readBatch(10); // read, never acknowledged: replayed
  assert.deepEqual(idsOf(unacked.events), range(15, 25));
  const cursor = await persistedCursor(dir);
  assert.ok(cursor !== undefined && cursor.segment >= 1 && cursor.offset > 0, `cursor after 15 events: ${JSON.stringify(cursor)}`);
  await first.close();
  assert.deepEqual(await persistedCursor(dir), cursor, 'unacknowledged reads do not move it');

  const second = await openLog(t, dir, { segmentBytes: 1500 });
  await second.append(events(40, 10));
  assert.deepEqual(await drain(second), range(15, 50));
  await second.close();

  const third = await openLog(t, dir, { segmentBytes: 1500 });
  assert.deepEqual(await drain(third), [], 'nothing delivered twice after a clean close');
});

test('acks may come out of order: the cursor moves past a batch only once every earlier one is acknowledged', async (t) => {
  const dir = tempDir(t);
  const log = await SpillLog.open('b', { dir, fsync: 'never' });
  await log.append(events(0, 30));
  const a = await log.readBatch(10);
  const b = await log.readBatch(10);
  const c = await log.readBatch(10);
  await c.ack();
  await b.ack();
  assert.equal(log.pendingBytes, log.bytes, 'nothing acknowledged while the first batch is out');
  assert.equal(log.counters.acked, 0);
  await a.ack();
  assert.equal(log.pendingBytes, 0);
  assert.equal(log.counters.acked, 30);
  await log.close();
});

test('rewind hands out again what was read but not acknowledged; stale acks do nothing', async (t) => {
  const log = await openLog(t, tempDir(t));
  await log.append(events(0, 10));
  const first = await log.readBatch(4);
  await first.ack();
  const stale = await log.readBatch(4);
  log.rewind();
  await stale.ack();
  assert.equal(log.counters.acked, 4);
  assert.deepEqual(await drain(log, 3), range(4, 10));
});

test('as a write-ahead log: ackThrough(append.end) acknowledges without reading, and only unacknowledged appends replay', async (t) => {
  const dir = tempDir(t);
  const log = await SpillLog.open('b', { dir, fsync: 'never', maxBytes: 64 * 1024, segmentBytes: 4096 });
  let end = (await log.append(events(0, 10))).end;
  for (let i = 10; i < 100; i += 10) {
    const result = await log.append(events(i, 10));
    await log.ackThrough(end); // the previous batch was delivered from memory
    end = result.end;
  }
  assert.ok(log.bytes < 4096 + log.pendingBytes, 'the delivered segments are deleted');
  const batch = await log.readBatch(5);
  assert.deepEqual(idsOf(batch.events), range(90, 95), 'reading starts after what was acknowledged');
  await log.ackThrough(end);
  await batch.ack(); // covered already: nothing moves back
  assert.equal(log.pendingBytes, 0);
  assert.deepEqual(await drain(log), []);
  await log.ackThrough({ segment: 1, offset: 0 }); // behind the cursor: ignored
  await log.append(events(100, 5));
  await log.close();
  const reopened = await openLog(t, dir, { maxBytes: 64 * 1024, segmentBytes: 4096 });
  assert.deepEqual(await drain(reopened), range(100, 105));
});

test('maxBytes: what would not fit is refused as spill-full (the tail of the batch), and fits again once delivered', async (t) => {
  const log = await openLog(t, tempDir(t), { maxBytes: 4096, segmentBytes: 1024 });
  const recordBytes = (k: number): number => HEADER_BYTES + Buffer.byteLength(serializeEvent(event(k)));
  let fit = 0;
  for (let used = 0; used + recordBytes(fit) <= 4096; fit++) used += recordBytes(fit);
  await log.append(events(0, 1));
  const result = await log.append(events(1, fit + 5));
  assert.equal(result.status, 'spill-full');
  assert.equal(result.appended, fit - 1);
  assert.deepEqual(
    result.refused.map((r) => [r.index, r.reason]),
    range(fit - 1, fit + 5).map((i) => [i, 'spill-full']),
  );
  assert.ok(log.bytes <= 4096);
  assert.equal((await log.append(events(100, 1))).status, 'spill-full');
  assert.deepEqual(await drain(log), range(0, fit));
  assert.equal((await log.append(events(200, 1))).status, 'ok');
});

test('an event whose JSON cannot be built is refused alone (unserializable); the others are written', async (t) => {
  const log = await openLog(t, tempDir(t));
  const bad = { ...event(1), data: { n: 10n } } as unknown as TrackedEvent;
  const result = await log.append([event(0), bad, event(2)]);
  assert.equal(result.status, 'unserializable');
  assert.equal(result.appended, 2);
  assert.equal(result.refused.length, 1);
  assert.equal(result.refused[0]!.index, 1);
  assert.ok(result.refused[0]!.error instanceof TypeError);
  assert.deepEqual(await drain(log), [0, 2]);
});

test('a failed write refuses its events as io-error; the next append goes to a new segment and the log stays readable', async (t) => {
  const dir = tempDir(t);
  const log = await openLog(t, dir);
  await log.append(events(0, 5));
  // Break the segment being written under the log's feet.
  await (log as unknown as { writer: { close(): Promise<void> } }).writer.close();
  const failed = await log.append(events(5, 3));
  assert.equal(failed.status, 'io-error');
  assert.equal(failed.appended, 0);
  assert.deepEqual(failed.refused.map((r) => [r.index, r.reason]), [[0, 'io-error'], [1, 'io-error'], [2, 'io-error']]);
  assert.ok(failed.refused[0]!.error instanceof Error);
  assert.equal((await log.append(events(8, 3))).status, 'ok');
  assert.equal(segmentsIn(join(dir, 'b')).length, 2);
  assert.deepEqual(await drain(log), [0, 1, 2, 3, 4, 8, 9, 10]);
});

test('readBatch honours max and, past the first event, maxBytes', async (t) => {
  const log = await openLog(t, tempDir(t));
  await log.append(events(0, 10));
  const size = log.bytes / 10;
  assert.equal((await log.readBatch(3)).events.length, 3);
  assert.equal((await log.readBatch(100, Math.ceil(size * 2.5))).events.length, 2);
  assert.equal((await log.readBatch(100, 1)).events.length, 1, 'one event even when larger than maxBytes');
});

async function writeAndClose(dir: string, count: number): Promise<string> {
  const log = await SpillLog.open('b', { dir, fsync: 'never' });
  await log.append(events(0, count));
  await log.close();
  const names = segmentsIn(join(dir, 'b'));
  assert.equal(names.length, 1);
  return join(dir, 'b', names[0]!);
}

test('a torn last record (file cut a few bytes short) is cut off and counted on open; the rest is replayed', async (t) => {
  const dir = tempDir(t);
  const segment = await writeAndClose(dir, 10);
  const size = statSync(segment).size;
  truncateSync(segment, size - 3);
  const log = await openLog(t, dir);
  assert.equal(log.counters.torn, 1);
  assert.equal(log.counters.tornBytes, size / 10 - 3);
  assert.equal(statSync(segment).size, (size / 10) * 9, 'truncated to the last whole record');
  assert.deepEqual(await drain(log), range(0, 9));
  assert.equal(log.counters.corrupted, 0);
});

test('a torn header (fewer than 8 bytes of the last record) is cut off and counted', async (t) => {
  const dir = tempDir(t);
  const segment = await writeAndClose(dir, 5);
  const record = statSync(segment).size / 5;
  truncateSync(segment, record * 4 + HEADER_BYTES - 3);
  const log = await openLog(t, dir);
  assert.equal(log.counters.torn, 1);
  assert.deepEqual(await drain(log), range(0, 4));
});

function flipByte(path: string, at: number): void {
  const bytes = readFileSync(path);
  bytes[at]! ^= 0x20;
  writeFileSync(path, bytes);
}

test('a flipped byte in the last record fails its checksum: cut off and counted as torn', async (t) => {
  const dir = tempDir(t);
  const segment = await writeAndClose(dir, 10);
  flipByte(segment, statSync(segment).size - 10);
  const log = await openLog(t, dir);
  assert.equal(log.counters.torn, 1);
  assert.deepEqual(await drain(log), range(0, 9));
});

test('a flipped byte in a record in the middle: that record alone is skipped and counted as corrupted', async (t) => {
  const dir = tempDir(t);
  const segment = await writeAndClose(dir, 10);
  const record = statSync(segment).size / 10;
  flipByte(segment, record * 4 + 40);
  const log = await openLog(t, dir);
  assert.equal(log.counters.torn, 0);
  assert.deepEqual(await drain(log), [0, 1, 2, 3, 5, 6, 7, 8, 9]);
  assert.equal(log.counters.corrupted, 1);
  assert.equal(log.counters.corruptedBytes, record);
  await log.close();
  const again = await openLog(t, dir);
  assert.deepEqual(await drain(again), [], 'the skipped record is behind the cursor once the next batch is acknowledged');
});

test('a garbled length in the middle: reading resumes at the next valid record', async (t) => {
  const dir = tempDir(t);
  const segment = await writeAndClose(dir, 10);
  const record = statSync(segment).size / 10;
  const bytes = readFileSync(segment);
  bytes.writeUInt32LE(0x7fff_0000, record * 2);
  writeFileSync(segment, bytes);
  const log = await openLog(t, dir);
  assert.deepEqual(await drain(log), [0, 1, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(log.counters.corrupted, 1);
});

test('with fsync always, each append resolves after a flush; appends made together share one (group commit)', async (t) => {
  const dir = tempDir(t);
  const log = await openLog(t, dir, { fsync: 'always', segmentBytes: 1024 });
  await log.append(events(0, 2));
  assert.equal(log.counters.syncs, 1);
  await log.append(events(2, 2));
  assert.equal(log.counters.syncs, 2);
  const results = await Promise.all(range(0, 20).map((k) => log.append(events(4 + k, 1))));
  assert.ok(results.every((r) => r.status === 'ok'));
  assert.ok(log.counters.syncs < 2 + 20, `${log.counters.syncs - 2} flushes for 20 appends`);
  assert.deepEqual(await drain(log), range(0, 24));
});

test('with fsync interval, appends are flushed in the background within fsyncIntervalMs', async (t) => {
  const log = await openLog(t, tempDir(t), { fsync: 'interval', fsyncIntervalMs: 1000 });
  t.mock.timers.enable({ apis: ['setTimeout'] });
  await log.append(events(0, 3));
  await log.append(events(3, 3));
  t.mock.timers.tick(999);
  await log.append([]); // waits for whatever the timer queued
  assert.equal(log.counters.syncs, 0);
  t.mock.timers.tick(1);
  await log.append([]);
  assert.equal(log.counters.syncs, 1, 'one flush for both appends');
  t.mock.timers.tick(5000);
  await log.append([]);
  assert.equal(log.counters.syncs, 1, 'nothing appended since: no flush scheduled');
});

test('with fsync interval, the background flush leaves no timer behind after close', async (t) => {
  const log = await SpillLog.open('b', { dir: tempDir(t), fsync: 'interval', fsyncIntervalMs: 10 });
  await log.append(events(0, 5));
  await new Promise((resolve) => setTimeout(resolve, 30));
  await log.append(events(5, 5));
  await log.close();
  assert.equal(log.counters.syncErrors, 0);
  await assert.rejects(log.append(events(10, 1)), /not open/);
  await assert.rejects(log.readBatch(1), /not open/);
  await log.close(); // idempotent
});
