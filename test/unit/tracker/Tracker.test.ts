import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { ConfigurationError, type EventTrackError, TrackerNotFoundError, ValidationError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { getTracker, registerTracker, unregisterTracker } from '../../../src/tracker/registry.js';
import type { Tracker } from '../../../src/tracker/Tracker.js';
import type { TrackerOptions } from '../../../src/tracker/TrackerOptions.js';
import type { DropNotice } from '../../../src/tracker/TrackerEvents.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const trackers: Tracker[] = [];
function setup(options: TrackerOptions = {}) {
  const memory = new MemoryBackend();
  const errors: EventTrackError[] = [];
  const drops: DropNotice[] = [];
  const tracker = createTracker({ backends: { memory }, delivery: { flushIntervalMs: 5 }, ...options });
  tracker.on('error', (e) => errors.push(e)).on('drop', (d) => drops.push(d));
  trackers.push(tracker);
  return { tracker, memory, errors, drops };
}
after(async () => {
  await Promise.all(trackers.map((t) => t.shutdown()));
});

describe('Tracker.emit', () => {
  test('builds {id, name, timestamp, context, data} with a UUID v7 id', async () => {
    const { tracker, memory } = setup();
    const before = Date.now();
    tracker.context('request', { user_id: 3 }, () => tracker.emit('navigation.request', { url: '/x' }));
    tracker.emit('at', {}, { timestamp: new Date('2020-01-01T00:00:00Z') });
    await tracker.flush();
    const [event, at] = memory.events;
    assert.deepEqual(Object.keys(event!), ['id', 'name', 'timestamp', 'context', 'data']);
    assert.match(event!.id, UUID_V7);
    assert.equal(event!.name, 'navigation.request');
    assert.ok(event!.timestamp instanceof Date && event!.timestamp.getTime() >= before && event!.timestamp.getTime() <= Date.now());
    assert.deepEqual(event!.context, { user_id: 3 });
    assert.deepEqual(event!.data, { url: '/x' });
    assert.equal(at!.timestamp.toISOString(), '2020-01-01T00:00:00.000Z');
  });

  test('each timestamp is the millisecond of its own emit (events of one millisecond share theirs)', async () => {
    const { tracker, memory } = setup();
    const stamps: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 200; i++) {
        stamps.push(Date.now());
        tracker.emit('tick');
        stamps.push(Date.now());
      }
      await sleep(2);
    }
    tracker.emit('at', {}, { timestamp: 0 });
    await tracker.flush();
    const ticks = memory.events.slice(0, -1);
    ticks.forEach((event, i) => {
      const ms = event.timestamp.getTime();
      assert.ok(ms >= stamps[2 * i]! && ms <= stamps[2 * i + 1]!, `event ${i}: ${ms} outside [${stamps[2 * i]}, ${stamps[2 * i + 1]}]`);
      const previous = ticks[i - 1]?.timestamp;
      if (previous !== undefined) assert.equal(previous === event.timestamp, previous.getTime() === ms);
    });
    assert.ok(new Set(ticks.map((e) => e.timestamp.getTime())).size >= 10, 'spans several milliseconds');
    assert.equal(memory.events.at(-1)!.timestamp.getTime(), 0);
  });

  test('ids are unique and increase in emit order', async () => {
    const { tracker, memory } = setup();
    for (let i = 0; i < 5000; i++) tracker.emit('n', { i });
    await tracker.flush();
    const ids = memory.events.map((e) => e.id);
    assert.equal(new Set(ids).size, 5000);
    assert.ok(ids.every((id, i) => i === 0 || ids[i - 1]! < id));
    assert.ok(ids.every((id) => UUID_V7.test(id)));
  });

  test('invalid names are rejected, counted and reported; strict throws', async () => {
    const { tracker, memory, errors, drops } = setup();
    tracker.emit('', {});
    tracker.emit('x'.repeat(257), {});
    tracker.emit('bad\nname', {});
    tracker.emit(42 as unknown as string, {});
    await tracker.flush();
    assert.equal(memory.events.length, 0);
    assert.deepEqual(tracker.stats().dropped, { 'invalid-name': 4 });
    assert.equal(errors.length, 4);
    assert.ok(errors.every((e) => e instanceof ValidationError && e.reason === 'invalid-name'));
    assert.equal(drops.length, 4);
    const strict = setup({ strict: true }).tracker;
    assert.throws(() => strict.emit('', {}), ValidationError);
    assert.throws(() => strict.emit('ok', { n: 1n }), /strict/);
  });

  test('oversized events are rejected and counted (maxEventSize)', async () => {
    const { tracker, memory, errors } = setup({ maxEventSize: 1000 });
    tracker.emit('big', { blob: 'x'.repeat(2000) });
    tracker.emit('small', { blob: 'x'.repeat(100) });
    tracker.context('c', { blob: 'y'.repeat(950) }, () => tracker.emit('small-data-big-context', {}));
    await tracker.flush();
    assert.deepEqual(memory.events.map((e) => e.name), ['small']);
    assert.deepEqual(tracker.stats().dropped, { oversized: 2 });
    assert.match(errors[0]!.message, /maxEventSize is 1000/);
  });

  test('processors: object replaces, null drops (counted), undefined keeps, throwing is reported and skipped', async () => {
    const { tracker, memory, errors } = setup({
      processors: [
        (e) => (e.name === 'drop.me' ? null : undefined),
        (e) => (e.name === 'boom' ? (() => { throw new Error('processor bug'); })() : undefined),
        (e): TrackedEvent => ({ ...e, data: { ...e.data, enriched: true } }),
      ],
    });
    tracker.emit('keep', { a: 1 });
    tracker.emit('drop.me', {});
    tracker.emit('boom', {});
    await tracker.flush();
    assert.deepEqual(memory.events.map((e) => [e.name, e.data]), [['keep', { a: 1, enriched: true }], ['boom', { enriched: true }]]);
    assert.deepEqual(tracker.stats().dropped, { processor: 1 });
    assert.equal(errors.length, 1);
    assert.match(String((errors[0]!.cause as Error).message), /processor bug/);
  });

  test('a backend that throws, rejects or hangs does not affect emit or the other backends', async () => {
    const good = new MemoryBackend();
    const { tracker, errors } = setup({
      backends: {
        good,
        throws: () => { throw new Error('sync throw'); },
        rejects: async () => { throw new Error('async reject'); },
        hangs: () => new Promise<void>(() => undefined),
      },
      delivery: { flushIntervalMs: 1, maxRetries: 1, retryBaseDelayMs: 1, sendTimeoutMs: 50 },
    });
    const started = performance.now();
    for (let i = 0; i < 100; i++) tracker.emit('e', { i });
    assert.ok(performance.now() - started < 100, 'emit stayed fast');
    await sleep(20);
    assert.equal(good.events.length, 100, 'the healthy backend got everything without waiting for the others');
    const report = await tracker.flush(1000);
    // The hung backend's two attempts time out (2 × 50 ms) after the flush began: its drops are the flush's.
    assert.equal(report.complete, false, 'events were dropped during the flush');
    assert.deepEqual(report.backends['hangs'], { pending: 0, delivered: 0, dropped: 100 });
    assert.deepEqual(report.backends['good'], { pending: 0, delivered: 0, dropped: 0 }, 'delivered before the flush began');
    const stats = tracker.stats().backends;
    assert.equal(stats['good']!.sent, 100);
    for (const name of ['throws', 'rejects', 'hangs']) {
      assert.equal(stats[name]!.dropReasons['retries-exhausted'], 100, name);
    }
    assert.ok(errors.some((e) => /sync throw/.test(e.message)));
    assert.ok(errors.some((e) => /did not finish/.test(e.message)));
  });

  test('a backend’s own processor that returns null drops for that backend only, counted there', async () => {
    const kept = new MemoryBackend();
    const sampled = new MemoryBackend();
    const { tracker, drops } = setup({ backends: { kept, sampled: { backend: sampled, processors: [(e) => (e.data['keep'] ? undefined : null)] } } });
    tracker.emit('a', { keep: true });
    tracker.emit('b', { keep: false });
    await tracker.flush();
    assert.deepEqual(sampled.events.map((e) => e.name), ['a']);
    assert.equal(kept.events.length, 2);
    assert.deepEqual(tracker.stats().backends['sampled']!.dropReasons, { processor: 1 });
    assert.deepEqual(drops.map((d) => [d.backend, d.reason]), [['sampled', 'processor']]);
  });

  test('a backend whose own accepts() throws still gets the event (never lost to a broken filter)', async () => {
    const got: string[] = [];
    const { tracker } = setup({
      backends: {
        picky: { accepts: () => { throw new Error('filter bug'); }, send: (events: readonly TrackedEvent[]) => void got.push(...events.map((e) => e.name)) },
        declines: { accepts: (name: string) => name !== 'skip.me', send: (events: readonly TrackedEvent[]) => void got.push(...events.map((e) => `d:${e.name}`)) },
      },
    });
    tracker.emit('keep', {});
    tracker.emit('skip.me', {});
    await tracker.flush();
    assert.deepEqual(got.sort(), ['d:keep', 'keep', 'skip.me']);
  });

  test('per-backend routes: include/exclude globs and per-backend processors', async () => {
    const all = new MemoryBackend();
    const nav = new MemoryBackend();
    const redacted = new MemoryBackend();
    const { tracker } = setup({
      backends: {
        all,
        nav: { backend: nav, include: ['navigation.*'], exclude: ['navigation.debug'] },
        redacted: { backend: redacted, processors: [(e) => ({ ...e, data: {} })] },
      },
    });
    for (const name of ['navigation.request', 'navigation.debug', 'address.create']) tracker.emit(name, { secret: 1 });
    await tracker.flush();
    assert.equal(all.events.length, 3);
    assert.deepEqual(nav.events.map((e) => e.name), ['navigation.request']);
    assert.deepEqual(redacted.events.map((e) => e.data), [{}, {}, {}]);
    assert.equal(tracker.stats().backends['nav']!.dropped, 0, 'a name filter is routing, not a drop');
    assert.deepEqual(all.events[0]!.data, { secret: 1 });
  });
});

describe('Tracker lifecycle', () => {
  test('addBackend / removeBackend at run time; duplicate names are a ConfigurationError', async () => {
    const { tracker } = setup();
    const late = new MemoryBackend();
    let closed = 0;
    tracker.addBackend('late', { send: (events) => late.send(events), close: () => void closed++ });
    assert.throws(() => tracker.addBackend('late', late), ConfigurationError);
    assert.throws(() => tracker.addBackend('bad', {} as never), (e: unknown) => e instanceof ConfigurationError && e.option === 'backends.bad');
    tracker.emit('one', {});
    assert.equal(await tracker.removeBackend('late'), true);
    assert.equal(closed, 1);
    tracker.emit('two', {});
    await tracker.flush();
    assert.deepEqual(late.events.map((e) => e.name), ['one']);
    assert.equal(await tracker.removeBackend('late'), false);
  });

  test('shutdown flushes, closes, is idempotent; later events are dropped as shutdown', async () => {
    const memory = new MemoryBackend();
    let closed = 0;
    const { tracker } = setup({ backends: { memory: { backend: { send: (e) => memory.send(e), close: () => void closed++ } } } });
    tracker.emit('before', {});
    const first = tracker.shutdown();
    const second = tracker.shutdown();
    assert.equal(first, second);
    const report = await first;
    assert.equal(report.complete, true);
    assert.equal(closed, 1);
    tracker.emit('after', {});
    assert.deepEqual(memory.events.map((e) => e.name), ['before']);
    assert.deepEqual(tracker.stats().dropped, { shutdown: 1 });
  });

  test('shutdown with a hung backend keeps its deadline and drops what is left as shutdown-timeout', async () => {
    const { tracker, drops } = setup({ backends: { hung: () => new Promise<void>(() => undefined) } });
    tracker.emit('a', {});
    tracker.emit('b', {});
    const started = Date.now();
    const report = await tracker.shutdown(100);
    assert.ok(Date.now() - started < 1000);
    assert.equal(report.complete, false);
    assert.equal(report.backends['hung']!.pending, 2);
    assert.deepEqual(tracker.stats().backends['hung']!.dropReasons, { 'shutdown-timeout': 2 });
    assert.equal(drops.filter((d) => d.reason === 'shutdown-timeout').reduce((n, d) => n + d.count, 0), 2);
  });

  test('shutdown and flush wait for a backend that removeBackend is still closing', async () => {
    let release: () => void = () => undefined;
    const held = new MemoryBackend();
    let closed = 0;
    const { tracker } = setup({
      backends: {
        slow: {
          send: (events) => new Promise<void>((resolve) => (release = () => (held.send(events), resolve()))),
          close: () => void closed++,
        },
      },
    });
    tracker.emit('a', {});
    await sleep(20); // the batch is in flight
    const removed = tracker.removeBackend('slow', 1000);
    const flushed = tracker.flush(1000);
    const shutdown = tracker.shutdown(1000);
    setTimeout(() => release(), 30);
    const [flushReport, shutdownReport] = await Promise.all([flushed, shutdown]);
    assert.equal(closed, 1, 'shutdown resolves only after the removed backend is closed');
    assert.deepEqual(held.events.map((e) => e.name), ['a']);
    assert.equal(flushReport.complete, true);
    assert.deepEqual(shutdownReport.backends['slow'], { pending: 0, delivered: 1, dropped: 0 });
    assert.equal(await removed, true);
  });

  test('removeBackend after shutdown closes the backend once', async () => {
    let closed = 0;
    const { tracker } = setup({ backends: { once: { send: () => undefined, close: () => void closed++ } } });
    const shutdown = tracker.shutdown();
    await tracker.removeBackend('once');
    await shutdown;
    assert.equal(closed, 1);
  });

  test('an emit nested in another emit’s normalisation (toJSON) leaves the outer size check intact', async () => {
    const { tracker, memory, errors } = setup({ maxEventSize: 400 });
    const nested = { toJSON: () => (tracker.emit('inner.1', {}), tracker.emit('inner.2', {}), 'n') };
    tracker.emit('outer', { nested, last: { big: 'x'.repeat(300) } });
    await tracker.flush();
    assert.deepEqual(memory.events.map((e) => e.name), ['inner.1', 'inner.2']);
    assert.ok(errors.some((e) => /"outer" is more than \d+ characters/.test(e.message)));
  });

  test('flush emits a flush event with its report', async () => {
    const { tracker } = setup();
    const reports: unknown[] = [];
    tracker.on('flush', (r) => reports.push(r));
    tracker.emit('x', {});
    const report = await tracker.flush();
    assert.deepEqual(reports, [report]);
  });

  test('stats count emitted, converted and per-backend delivery', async () => {
    const { tracker } = setup();
    tracker.emit('a', { when: new Date(0) });
    tracker.emit('b', {});
    await tracker.flush();
    const stats = tracker.stats();
    assert.equal(stats.emitted, 2);
    assert.equal(stats.converted, 1);
    assert.deepEqual(stats.backends['memory'], { queued: 0, inFlight: 0, sent: 2, failed: 0, retried: 0, dropped: 0, dropReasons: {} });
  });

  test('delivery options: the backend’s own defaults < the tracker’s delivery < the registration’s', async () => {
    const sizes: Record<string, number[]> = { own: [], tracker: [], registration: [] };
    const backend = (name: string) => ({ delivery: { batchSize: 2 }, send: (events: readonly TrackedEvent[]) => void sizes[name]!.push(events.length) });
    const { tracker } = setup({ backends: { own: backend('own'), registration: { backend: backend('registration'), delivery: { batchSize: 4 } } } });
    const { tracker: wide } = setup({ backends: { tracker: backend('tracker') }, delivery: { batchSize: 3, flushIntervalMs: 5 } });
    for (let i = 0; i < 6; i++) {
      tracker.emit('e', {});
      wide.emit('e', {});
    }
    await Promise.all([tracker.flush(), wide.flush()]);
    assert.deepEqual(sizes, { own: [2, 2, 2], tracker: [3, 3], registration: [4, 2] });
  });

  test('bad options throw a ConfigurationError naming the option', () => {
    assert.throws(() => createTracker({ maxEventSize: -1 }), (e: unknown) => e instanceof ConfigurationError && e.option === 'maxEventSize');
    assert.throws(() => createTracker({ delivery: { maxQueueSize: 0 } }), /delivery\.maxQueueSize/);
    assert.throws(() => createTracker({ backends: { x: { backend: () => undefined, delivery: { batchSize: 1.5 } } } }), /backends\.x\.delivery\.batchSize/);
  });
});

describe('registry', () => {
  test('registerTracker / getTracker default and named; a missing name is a clear error', () => {
    const { tracker } = setup();
    registerTracker(tracker);
    registerTracker(tracker, 'audit');
    assert.equal(getTracker(), tracker);
    assert.equal(getTracker('audit'), tracker);
    assert.throws(() => getTracker('nope'), (e: unknown) => e instanceof TrackerNotFoundError && /"nope"/.test(e.message) && /"audit"/.test(e.message));
    unregisterTracker();
    unregisterTracker('audit');
  });
});

describe('Tracker timestamps out of range', () => {
  test('emit with a timestamp outside years 0000–9999, or not a time at all, is rejected as invalid-timestamp; strict throws', async () => {
    const { tracker, memory, errors, drops } = setup();
    const bad: unknown[] = [1e20, -1e20, 253_402_300_800_000, -62_167_219_200_001, Number.NaN, Infinity, new Date(Number.NaN), new Date(8.64e15), '2020-01-01'];
    for (const timestamp of bad) tracker.emit('t.bad', {}, { timestamp: timestamp as number });
    tracker.emit('t.max', {}, { timestamp: 253_402_300_799_999 });
    tracker.emit('t.min', {}, { timestamp: new Date('0000-01-01T00:00:00.000Z') });
    await tracker.flush();
    assert.deepEqual(tracker.stats().dropped, { 'invalid-timestamp': bad.length });
    assert.ok(errors.every((e) => e instanceof ValidationError && e.reason === 'invalid-timestamp'));
    assert.equal(drops.filter((d) => d.reason === 'invalid-timestamp').length, bad.length);
    assert.deepEqual(memory.events.map((e) => e.timestamp.toISOString()), ['9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z']);
    const strict = setup({ strict: true }).tracker;
    assert.throws(() => strict.emit('t', {}, { timestamp: 1e20 }), (e: unknown) => e instanceof ValidationError && e.reason === 'invalid-timestamp');
  });
});

describe('Tracker emit cost is bounded by maxEventSize', () => {
  test('a 100 000-key object is rejected as oversized after reading a few hundred of its values', async () => {
    const { tracker, errors } = setup({ maxEventSize: 2000 });
    const target: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) target[`k${i}`] = i;
    let reads = 0;
    const counted = new Proxy(target, { get: (t, key) => (reads++, t[key as string]) });
    tracker.emit('huge', { counted });
    assert.ok(reads < 500, `read ${reads} values`);
    assert.deepEqual(tracker.stats().dropped, { oversized: 1 });
    assert.match(errors[0]!.message, /more than \d+ characters of JSON \(maxEventSize is 2000\)/);
  });

  test('a sparse array of length 2^32-1 (or 1e8) is rejected as oversized without reading or allocating its items', async () => {
    const { tracker } = setup();
    for (const length of [2 ** 32 - 1, 1e8]) {
      const sparse: unknown[] = [];
      sparse.length = length;
      let reads = 0;
      tracker.emit('sparse', { list: new Proxy(sparse, { get: (t, key) => (reads++, Reflect.get(t, key)) }) });
      assert.ok(reads <= 2, `read ${reads} properties (length only)`);
    }
    assert.deepEqual(tracker.stats().dropped, { oversized: 2 });
  });
});

describe('Tracker edX parity and introspection', () => {
  test('emit(undefined) as the first emit is validated as a name (invalid-name; strict throws)', async () => {
    const { tracker, errors } = setup();
    tracker.emit(undefined as unknown as string, {});
    assert.deepEqual(tracker.stats().dropped, { 'invalid-name': 1 });
    assert.ok(errors[0] instanceof ValidationError && errors[0].reason === 'invalid-name');
    const strict = setup({ strict: true }).tracker;
    assert.throws(() => strict.emit(undefined as unknown as string, {}), (e: unknown) => e instanceof ValidationError && e.reason === 'invalid-name');
  });

  test('getBackend, backends() and backendNames() show the registered backends as given', async () => {
    const memory = new MemoryBackend();
    const fn = (): void => undefined;
    const { tracker } = setup({ backends: { memory, fn, routed: { backend: memory, include: ['a.*'] } } });
    assert.equal(tracker.getBackend<MemoryBackend>('memory'), memory);
    assert.equal(tracker.getBackend('fn'), fn);
    assert.equal(tracker.getBackend('routed'), memory);
    assert.equal(tracker.getBackend('none'), undefined);
    assert.deepEqual(tracker.backends(), { memory, fn, routed: memory });
    assert.deepEqual(tracker.backendNames(), ['memory', 'fn', 'routed']);
    await tracker.removeBackend('fn');
    assert.equal(tracker.getBackend('fn'), undefined);
  });

  test('addProcessor adds a tracker processor for the events emitted from then on; empty entries are skipped, others refused', async () => {
    const { tracker, memory } = setup();
    tracker.emit('before', {});
    tracker.addProcessor((e) => ({ ...e, data: { ...e.data, tagged: true } })).addProcessor(undefined).addProcessor(false);
    tracker.emit('after', {});
    await tracker.flush();
    assert.deepEqual(memory.events.map((e) => e.data), [{}, { tagged: true }]);
    assert.throws(() => tracker.addProcessor('nope' as never), ConfigurationError);
  });
});
