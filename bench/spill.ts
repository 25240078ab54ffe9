// The storage layer of the durable spill (SpillLog), on its own, default
// options (fsync every second), batches of 1 000 events, until on disk:
// 1. write-ahead log (what `mode: 'always'` costs when the backend keeps up):
//    append, then acknowledge by position (`ackThrough`), the events being
//    delivered from memory;
// 2. the spill as the queue (what a backlog costs): append, read back and
//    parse, acknowledge;
//    both against writing the same events as JSON lines to a file with
//    fs.createWriteStream (what the logger backend and its peers do);
//    (and the same with fsync 'always', a disk flush per batch);
// 3. replay after a restart: a new SpillLog on a folder holding the events
//    (open, read in order, acknowledge), against reading the same JSON-lines
//    file back and parsing every line;
// 4. end to end: a tracker with `delivery.spill.mode: 'always'` emitting to a
//    LoggerBackend file (every event written ahead, delivered, acknowledged),
//    against the same tracker without a spill; the loop honours backpressure
//    and every event must reach the file.
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeEvent } from '../src/backends/logger/serializeEvent.js';
import { SpillLog } from '../src/delivery/spill/SpillLog.js';
import type { SpillFsync } from '../src/delivery/spill/SpillOptions.js';
import type { TrackedEvent } from '../src/event/TrackedEvent.js';
import { LoggerBackend } from '../src/backends/logger/LoggerBackend.js';
import { createTracker } from '../src/tracker/createTracker.js';
import { type BenchCase, runBench } from './harness.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const CHUNK = 1_000;
const payload = { url: '/courses/42/lesson/7', method: 'GET', status: 200, bytes: 5120, cached: false };
const context = Object.freeze({ service: 'web', version: '1.4.2', user_id: 10938, session: 'ab12cd', ip: '127.0.0.1', course_id: 'course-v1:edX+DemoX', org_id: 'edX' });

/** Events as the tracker builds them: one frozen context, one Date per millisecond, UUID v7-shaped ids. */
function makeEvents(): TrackedEvent[] {
  const events: TrackedEvent[] = [];
  const base = Date.UTC(2026, 10, 29);
  let timestamp = new Date(base);
  for (let i = 0; i < EVENTS; i++) {
    if (i % 50 === 0) timestamp = new Date(base + i / 50);
    events.push({ id: `0190c5a4-${(i >>> 16).toString(16).padStart(4, '0')}-7${(i & 0xfff).toString(16).padStart(3, '0')}-8000-000000000000`, name: 'navigation.request', timestamp, context, data: { ...payload, n: i } });
  }
  return events;
}

function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-bench-spill-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function writeLines(events: readonly TrackedEvent[]): Promise<{ ops: number; ms: number }> {
  const { dir, done } = tempDir();
  const start = performance.now();
  const stream = createWriteStream(join(dir, 'events.jsonl'), { flags: 'a' });
  for (let i = 0; i < EVENTS; i += CHUNK) {
    let text = '';
    for (let k = i; k < i + CHUNK && k < EVENTS; k++) text += serializeEvent(events[k]!);
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  const ms = performance.now() - start;
  done();
  return { ops: EVENTS, ms };
}

async function writeAheadLog(fsync: SpillFsync): Promise<{ ops: number; ms: number }> {
  const events = makeEvents();
  const { dir, done } = tempDir();
  const start = performance.now();
  const log = await SpillLog.open('file', { dir, fsync });
  for (let i = 0; i < EVENTS; i += CHUNK) {
    const result = await log.append(events.slice(i, i + CHUNK));
    if (result.status !== 'ok') throw new Error(`append: ${result.status}`);
    await log.ackThrough(result.end);
  }
  await log.close();
  const ms = performance.now() - start;
  if (log.counters.appended !== EVENTS || log.pendingBytes !== 0) throw new Error('not every event was appended and acknowledged');
  done();
  return { ops: EVENTS, ms };
}

const writeAhead: Record<string, BenchCase> = {
  'SpillLog append+ackThrough': () => writeAheadLog('interval'),
  'createWriteStream JSON lines': () => writeLines(makeEvents()),
};

const writeAheadAlways: Record<string, BenchCase> = {
  'SpillLog append+ackThrough, fsync always': () => writeAheadLog('always'),
  'createWriteStream JSON lines': () => writeLines(makeEvents()),
};

const throughput: Record<string, BenchCase> = {
  'SpillLog append+read+ack': async () => {
    const events = makeEvents();
    const { dir, done } = tempDir();
    const start = performance.now();
    const log = await SpillLog.open('file', { dir });
    let delivered = 0;
    for (let i = 0; i < EVENTS; i += CHUNK) {
      const result = await log.append(events.slice(i, i + CHUNK));
      if (result.status !== 'ok') throw new Error(`append: ${result.status}`);
      const batch = await log.readBatch(CHUNK);
      delivered += batch.events.length;
      await batch.ack();
    }
    await log.close();
    const ms = performance.now() - start;
    if (delivered !== EVENTS) throw new Error(`read back ${delivered} of ${EVENTS}`);
    done();
    return { ops: EVENTS, ms };
  },
  'createWriteStream JSON lines': () => writeLines(makeEvents()),
};

const replay: Record<string, BenchCase> = {
  'SpillLog replay after reopen': async () => {
    const events = makeEvents();
    const { dir, done } = tempDir();
    const writer = await SpillLog.open('file', { dir });
    for (let i = 0; i < EVENTS; i += CHUNK) await writer.append(events.slice(i, i + CHUNK));
    await writer.close();
    const start = performance.now();
    const log = await SpillLog.open('file', { dir });
    let replayed = 0;
    for (;;) {
      const batch = await log.readBatch(CHUNK);
      if (batch.events.length === 0) break;
      replayed += batch.events.length;
      await batch.ack();
    }
    await log.close();
    const ms = performance.now() - start;
    if (replayed !== EVENTS) throw new Error(`replayed ${replayed} of ${EVENTS}`);
    done();
    return { ops: EVENTS, ms };
  },
  'readFile + JSON.parse lines': async () => {
    const events = makeEvents();
    const { dir, done } = tempDir();
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, events.map(serializeEvent).join(''));
    const start = performance.now();
    const text = await readFile(path, 'utf8');
    let parsed = 0;
    for (let at = 0; at < text.length; ) {
      const end = text.indexOf('\n', at);
      const value = JSON.parse(text.slice(at, end)) as { timestamp: unknown };
      value.timestamp = new Date(value.timestamp as string);
      parsed++;
      at = end + 1;
    }
    const ms = performance.now() - start;
    if (parsed !== EVENTS) throw new Error(`parsed ${parsed} of ${EVENTS}`);
    done();
    return { ops: EVENTS, ms };
  },
};

function endToEndCase(spill: boolean): BenchCase {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventtrack-bench-spill-e2e-'));
    const tracker = createTracker({
      backends: { file: new LoggerBackend({ path: join(dir, 'events.jsonl') }) },
      delivery: spill ? { spill: { dir: join(dir, 'spill'), mode: 'always' } } : {},
    });
    const start = performance.now();
    await tracker.context('request', context, async () => {
      for (let i = 0; i < EVENTS; i++) {
        if (!tracker.emit('navigation.request', { ...payload, n: i })) await tracker.drain();
        if (i % CHUNK === CHUNK - 1) await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const report = await tracker.shutdown(120_000);
    const ms = performance.now() - start;
    const stats = tracker.stats().backends['file']!;
    if (!report.complete || stats.sent !== EVENTS) throw new Error(`not every event was written: ${stats.sent} of ${EVENTS}`);
    rmSync(dir, { recursive: true, force: true });
    return { ops: EVENTS, ms };
  };
}
const endToEnd: Record<string, BenchCase> = {
  "tracker, spill 'always' → file": endToEndCase(true),
  'tracker → file, no spill': endToEndCase(false),
};

// One file, four comparisons: a child runs only the group its case belongs to
// (the peer is in two groups; the first one runs it).
const caseIndex = process.argv.indexOf('--case');
const only = caseIndex === -1 ? undefined : process.argv[caseIndex + 1];
if (only === undefined || only in writeAhead) {
  await runBench({
    title: 'bench/spill: write-ahead log, append + ackThrough (fsync every second)',
    file: import.meta.url,
    subject: 'SpillLog append+ackThrough',
    peers: ['createWriteStream JSON lines'],
    goals: { 'createWriteStream JSON lines': 0.5 },
    cases: writeAhead,
  });
}
if (only === undefined || (only in writeAheadAlways && !(only in writeAhead))) {
  await runBench({
    title: 'bench/spill: write-ahead log with fsync always (a disk flush per batch of 1 000)',
    file: import.meta.url,
    subject: 'SpillLog append+ackThrough, fsync always',
    peers: ['createWriteStream JSON lines'],
    cases: writeAheadAlways,
  });
}
if (only === undefined || (only in throughput && !(only in writeAhead))) {
  await runBench({
    title: 'bench/spill: the spill as the queue, append + readBatch + ack (fsync every second)',
    file: import.meta.url,
    subject: 'SpillLog append+read+ack',
    peers: ['createWriteStream JSON lines'],
    cases: throughput,
  });
}
if (only === undefined || only in replay) {
  await runBench({
    title: 'bench/spill: replay after a restart (open, read in order, ack)',
    file: import.meta.url,
    subject: 'SpillLog replay after reopen',
    peers: ['readFile + JSON.parse lines'],
    cases: replay,
  });
}
if (only === undefined || only in endToEnd) {
  await runBench({
    title: "bench/spill: end to end, tracker with spill.mode 'always' → LoggerBackend file",
    file: import.meta.url,
    subject: "tracker, spill 'always' → file",
    peers: ['tracker → file, no spill'],
    goals: { 'tracker → file, no spill': 0.5 },
    cases: endToEnd,
  });
}
