import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { LoggerBackend } from '../../../../src/backends/logger/LoggerBackend.js';
import { serializeEvent } from '../../../../src/backends/logger/serializeEvent.js';
import { ConfigurationError, PartialDeliveryError } from '../../../../src/errors.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';
import { edxLegacy } from '../../../../src/processors/edxLegacy.js';
import { createTracker } from '../../../../src/tracker/createTracker.js';

const dir = mkdtempSync(join(tmpdir(), 'eventtrack-logger-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const context = Object.freeze({ user_id: 1, org: Object.freeze({ id: 'x' }) });
function event(i: number): TrackedEvent {
  return { id: `id-${i}`, name: 'n.e', timestamp: new Date(Date.UTC(2026, 10, 22, 1, 2, 3, i)), context, data: { i, s: 'q"uote\n' } };
}

describe('serializeEvent', () => {
  test('is exactly JSON.stringify(event) plus a newline, with an ISO-8601 UTC timestamp', () => {
    const e = event(4);
    assert.equal(serializeEvent(e), `${JSON.stringify(e)}\n`);
    assert.equal(JSON.parse(serializeEvent(e)).timestamp, '2026-11-22T01:02:03.004Z');
  });
});

describe('LoggerBackend', () => {
  test('writes one JSON line per event, one write per batch, to a stream', async () => {
    const writes: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, cb) => (writes.push(String(chunk)), cb()) });
    const backend = new LoggerBackend({ stream });
    await backend.send([event(1), event(2)]);
    assert.equal(writes.length, 1);
    const lines = writes[0]!.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.data.i), [1, 2]);
  });

  test('waits for drain under backpressure', async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    const backend = new LoggerBackend({ stream });
    let done = false;
    const sending = backend.send([event(1)]).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false, 'not resolved before the stream drains');
    stream.read();
    await sending;
    assert.equal(done, true);
  });

  test('appends to a file through the tracker; flush and shutdown leave every line', async () => {
    const path = join(dir, 'events.jsonl');
    const tracker = createTracker({ backends: { file: new LoggerBackend({ path }) }, delivery: { batchSize: 50 } });
    await tracker.context('request', { user_id: 9 }, async () => {
      for (let i = 0; i < 120; i++) tracker.emit('file.event', { i });
    });
    await tracker.flush();
    tracker.emit('file.last', {});
    await tracker.shutdown();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 121);
    assert.deepEqual(lines[0].context, { user_id: 9 });
    assert.deepEqual(lines.slice(0, 120).map((l) => l.data.i), Array.from({ length: 120 }, (_, i) => i));
    assert.match(lines[120].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('hands events to a pino-compatible logger', async () => {
    const calls: Array<[object, string | undefined]> = [];
    const logger = { info: (obj: object, msg?: string) => calls.push([obj, msg]), warn: () => undefined };
    await new LoggerBackend({ logger }).send([event(1)]);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]![1], 'n.e');
    assert.deepEqual(calls[0]![0], { id: 'id-1', name: 'n.e', timestamp: '2026-11-22T01:02:03.001Z', context, data: { i: 1, s: 'q"uote\n' } });
    await new LoggerBackend({ logger, level: 'warn' }).send([event(2)]);
    assert.equal(calls.length, 1);
  });

  test('a logger that throws on one event fails that event alone (retryable), not the batch', async () => {
    const logged: string[] = [];
    const logger = {
      info: (obj: object) => {
        const { id } = obj as { id: string };
        if (id === 'id-2') throw new Error('logger down');
        logged.push(id);
      },
    };
    await assert.rejects(new LoggerBackend({ logger }).send([event(1), event(2), event(3)]), (error: unknown) =>
      error instanceof PartialDeliveryError && error.failures.length === 1 && error.failures[0]!.index === 1 && error.failures[0]!.retryable);
    assert.deepEqual(logged, ['id-1', 'id-3']);
  });

  test('options: one destination only; the level must exist on the logger', () => {
    assert.throws(() => new LoggerBackend({ path: 'x', stream: new PassThrough() }), ConfigurationError);
    assert.throws(() => new LoggerBackend({ logger: { info: () => undefined }, level: 'trace' }), (e: unknown) => e instanceof ConfigurationError && e.option === 'level');
  });

  test('a processor that removes data or context: the line is still JSON, with {} in its place (as edX writes a missing payload)', async () => {
    const path = join(dir, 'removed.jsonl');
    const tracker = createTracker({
      backends: { file: { backend: new LoggerBackend({ path }), processors: [(e) => ({ ...e, data: undefined, context: undefined }) as never] } },
    });
    tracker.emit('no.data', { x: 1 });
    await tracker.shutdown();
    const line = readFileSync(path, 'utf8').trimEnd();
    assert.doesNotMatch(line, /undefined/);
    const parsed = JSON.parse(line);
    assert.deepEqual([parsed.name, parsed.data, parsed.context], ['no.data', {}, {}]);
    assert.equal(tracker.stats().backends['file']!.sent, 1);
  });

  test('an event whose line cannot be JSON fails alone and is not counted as sent', async () => {
    const writes: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, cb) => (writes.push(String(chunk)), cb()) });
    const tracker = createTracker({
      backends: { out: { backend: new LoggerBackend({ stream }), processors: [(e) => (e.name === 'bad' ? ({ ...e, data: () => 1 }) as never : e)] } },
    });
    tracker.emit('bad', { x: 1 });
    tracker.emit('good', { x: 2 });
    await tracker.shutdown();
    const stats = tracker.stats().backends['out']!;
    assert.equal(stats.sent, 1);
    assert.equal(stats.dropReasons.rejected, 1);
    assert.deepEqual(writes.join('').trimEnd().split('\n').map((l) => JSON.parse(l).name), ['good']);
  });

  test("format 'edx' writes the edX record itself at the top level, as edX's logger backend writes it, with or without edxLegacy()", async () => {
    const withProcessor = join(dir, 'tracking.log');
    const direct = join(dir, 'tracking-direct.log');
    const tracker = createTracker({
      backends: {
        legacy: { backend: new LoggerBackend({ path: withProcessor, format: 'edx' }), processors: [edxLegacy()] },
        direct: new LoggerBackend({ path: direct, format: 'edx' }),
      },
    });
    await tracker.context('request', { username: 'alice', ip: '10.0.0.1', course_id: 'c1' }, async () => {
      tracker.emit('problem.check', { answer: 42 });
    });
    await tracker.shutdown();
    const line = readFileSync(withProcessor, 'utf8');
    assert.equal(readFileSync(direct, 'utf8'), line);
    assert.match(line, /^\{"name": "problem\.check", "context": \{"course_id": "c1"\}, "username": "alice", "session": "", "ip": "10\.0\.0\.1", "agent": "", "host": "", "referer": "", "accept_language": "", "event": \{"answer": 42\}, "time": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", "event_type": "problem\.check", "event_source": "server", "page": null\}\n$/);
  });

  test('format: a function writes its own line; with a logger, format edx hands over the record; bad formats are refused', async () => {
    const writes: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, cb) => (writes.push(String(chunk)), cb()) });
    await new LoggerBackend({ stream, format: (e) => `${e.name}\t${String(e.data['i'])}` }).send([event(1)]);
    assert.equal(writes.join(''), 'n.e\t1\n');
    const calls: object[] = [];
    await new LoggerBackend({ logger: { info: (obj: object) => calls.push(obj) }, format: 'edx' }).send([event(1)]);
    assert.equal((calls[0] as { event_type: string }).event_type, 'n.e');
    assert.equal((calls[0] as { time: string }).time, '2026-11-22T01:02:03.001000+00:00');
    assert.throws(() => new LoggerBackend({ format: 'xml' as never }), (e: unknown) => e instanceof ConfigurationError && e.option === 'format');
    assert.throws(() => new LoggerBackend({ logger: { info: () => undefined }, format: () => '' }), (e: unknown) => e instanceof ConfigurationError && e.option === 'format');
  });
});
