import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { EventCatalog } from '../../../src/catalog/EventCatalog.js';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { Tracker } from '../../../src/tracker/Tracker.js';
import type { TrackerOptions } from '../../../src/tracker/TrackerOptions.js';

const dead = (): never => {
  throw new Error('ECONNREFUSED 127.0.0.1:1');
};
const fastFailing = { delivery: { flushIntervalMs: 1, maxRetries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 2, batchSize: 3 } } satisfies TrackerOptions;

let warnings: Error[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning);
const trackers: Tracker[] = [];
function track<T extends Tracker>(tracker: T): T {
  trackers.push(tracker);
  return tracker;
}
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(async () => {
  process.off('warning', onWarning);
  await Promise.all(trackers.splice(0).map((t) => t.shutdown(100)));
});
const ours = () => warnings.filter((w) => w.name === 'EventTrackWarning');
const codes = () => ours().map((w) => (w as Error & { code: string }).code).sort();

describe('failures nobody listens to become process warnings, once per kind', () => {
  test('a failing backend with no listener: one EVENTTRACK_BACKEND_ERROR and one EVENTTRACK_DROP, naming the backend and reason', async () => {
    const tracker = track(createTracker({ backends: { mongo: dead, memory: new MemoryBackend() }, ...fastFailing }));
    for (let i = 0; i < 20; i++) tracker.emit('e', { i });
    const report = await tracker.flush(2000);
    await tick();
    assert.equal(tracker.stats().backends['mongo']!.failed > 3, true, 'the premise: many failed attempts, several batches');
    assert.deepEqual(codes(), ['EVENTTRACK_BACKEND_ERROR', 'EVENTTRACK_DROP']);
    const [error] = ours().filter((w) => (w as Error & { code: string }).code === 'EVENTTRACK_BACKEND_ERROR');
    assert.match(error!.message, /"mongo" send failed: ECONNREFUSED/);
    const [drop] = ours().filter((w) => (w as Error & { code: string }).code === 'EVENTTRACK_DROP');
    assert.match(drop!.message, /dropped by backend "mongo" \(retries-exhausted\)/);
    assert.equal(report.complete, false);
  });

  test('a second failing backend is a kind of its own', async () => {
    const tracker = track(createTracker({ backends: { a: dead, b: dead }, ...fastFailing }));
    for (let i = 0; i < 5; i++) tracker.emit('e', { i });
    await tracker.flush(2000);
    await tick();
    assert.deepEqual(codes(), ['EVENTTRACK_BACKEND_ERROR', 'EVENTTRACK_BACKEND_ERROR', 'EVENTTRACK_DROP', 'EVENTTRACK_DROP']);
  });

  test('listeners on error and drop silence them, and so does warnings: false', async () => {
    const heard = track(createTracker({ backends: { mongo: dead }, ...fastFailing }));
    heard.on('error', () => undefined).on('drop', () => undefined);
    const quiet = track(createTracker({ backends: { mongo: dead }, ...fastFailing, warnings: false }));
    for (const tracker of [heard, quiet]) {
      tracker.emit('e', {});
      tracker.emit('', {});
      await tracker.flush(2000);
    }
    await tick();
    assert.deepEqual(codes(), []);
    assert.equal(quiet.stats().dropped['invalid-name'], 1, 'still counted');
  });

  test('an event rejected before routing warns once (not once as error and again as drop); processor drops never warn', async () => {
    const tracker = track(createTracker({ backends: { memory: new MemoryBackend() }, processors: [(e) => (e.name === 'sampled.out' ? null : undefined)] }));
    tracker.emit('', {});
    tracker.emit('', {});
    tracker.emit(42 as unknown as string, {});
    tracker.emit('sampled.out', {});
    await tick();
    assert.deepEqual(codes(), ['EVENTTRACK_DROP']);
    assert.match(ours()[0]!.message, /invalid-name/);
  });

  test('the catalog’s warn policy warns through the same channel, once per event name', async () => {
    const catalog = new EventCatalog({ undefinedEvents: 'warn' });
    const memory = new MemoryBackend();
    const tracker = track(createTracker({ backends: { memory }, catalog }));
    tracker.emit('not.defined', {});
    tracker.emit('not.defined', {});
    tracker.emit('other.undefined', {});
    await tracker.flush();
    await tick();
    assert.deepEqual(codes(), ['EVENTTRACK_CATALOG', 'EVENTTRACK_CATALOG']);
    assert.match(ours()[0]!.message, /"not\.defined" is not defined/);
    assert.equal(memory.events.length, 3, 'warn delivers');
  });
});

test('warnings must be a boolean', () => {
  assert.throws(() => createTracker({ warnings: 'no' as never }), /Invalid option `warnings`/);
});
