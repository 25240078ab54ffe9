import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import type { EventTrackError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { Router } from '../../../src/routing/Router.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { Tracker } from '../../../src/tracker/Tracker.js';
import type { TrackerOptions } from '../../../src/tracker/TrackerOptions.js';

// No processor or backend may change what another backend or route receives.
const trackers: Tracker[] = [];
function setup(options: TrackerOptions) {
  const errors: EventTrackError[] = [];
  const tracker = createTracker({ delivery: { flushIntervalMs: 1 }, ...options });
  tracker.on('error', (e) => errors.push(e));
  trackers.push(tracker);
  return { tracker, errors };
}
after(async () => {
  await Promise.all(trackers.map((t) => t.shutdown()));
});

const original = { list: [1, 2], nested: { x: 1 }, s: 'a' };
const mutations: Array<[string, (e: TrackedEvent) => void]> = [
  ['e.name', (e) => ((e as { name: string }).name = 'changed')],
  ['e.data.s', (e) => ((e.data as Record<string, unknown>)['s'] = 'changed')],
  ['e.data.nested.x', (e) => (((e.data['nested'] as Record<string, unknown>)['x'] = 99))],
  ['e.data.list.push', (e) => (e.data['list'] as number[]).push(3)],
  ['e.context.user', (e) => ((e.context as Record<string, unknown>)['user'] = 'changed')],
  ['e.timestamp.setTime', (e) => e.timestamp.setTime(0)],
  ['e.timestamp.setFullYear', (e) => e.timestamp.setFullYear(1999)],
  ['delete e.data.s', (e) => delete (e.data as Record<string, unknown>)['s']],
];

function snapshot(e: TrackedEvent) {
  return { name: e.name, data: JSON.parse(JSON.stringify(e.data)) as unknown, context: JSON.parse(JSON.stringify(e.context)) as unknown, time: e.timestamp.getTime() };
}

describe('event isolation', () => {
  for (const [what, mutate] of mutations) {
    test(`a backend processor that mutates ${what} changes nothing for the other backends (it throws, is reported, event unchanged)`, async () => {
      const mutated = new MemoryBackend();
      const clean = new MemoryBackend();
      const { tracker, errors } = setup({ backends: { mutated: { backend: mutated, processors: [(e) => void mutate(e)] }, clean } });
      const expected: ReturnType<typeof snapshot>[] = [];
      await tracker.context('request', { user: 'u1' }, async () => {
        for (let i = 0; i < 3; i++) tracker.emit('page.view', original);
      });
      await tracker.flush();
      for (const e of clean.events) expected.push({ name: 'page.view', data: original, context: { user: 'u1' }, time: e.timestamp.getTime() });
      assert.deepEqual(clean.events.map(snapshot), expected);
      assert.deepEqual(mutated.events.map(snapshot), expected, 'the failed processor left its own backend’s event unchanged too');
      assert.equal(errors.length, 3);
      assert.match(errors[0]!.message, /events are frozen/);
    });

    test(`a backend whose send mutates ${what} changes nothing for a sibling route of a Router`, async () => {
      const seen: ReturnType<typeof snapshot>[] = [];
      const router = new Router({
        routes: [
          { name: 'vandal', backend: (events) => { for (const e of events) try { mutate(e); } catch { /* frozen */ } } },
          { name: 'reader', backend: (events) => void seen.push(...events.map(snapshot)) },
        ],
      });
      const { tracker } = setup({ backends: { router } });
      const before = Date.now();
      tracker.context('request', { user: 'u1' }, () => tracker.emit('page.view', original));
      await tracker.flush();
      assert.equal(seen.length, 1);
      assert.ok(seen[0]!.time >= before, 'the timestamp did not move');
      assert.deepEqual({ ...seen[0], time: 0 }, { name: 'page.view', data: original, context: { user: 'u1' }, time: 0 });
    });
  }

  test('events of one millisecond share a timestamp nobody can move', async () => {
    const memory = new MemoryBackend();
    const { tracker } = setup({ backends: { memory } });
    for (let i = 0; i < 200; i++) tracker.emit('tick');
    await tracker.flush();
    const at = memory.events.findIndex((e, i) => i > 0 && memory.events[i - 1]!.timestamp === e.timestamp);
    assert.ok(at > 0, 'the premise: two events of one millisecond share their timestamp');
    const [first, second] = [memory.events[at - 1], memory.events[at]];
    const time = first!.timestamp.getTime();
    assert.throws(() => first!.timestamp.setTime(0), TypeError);
    assert.throws(() => first!.timestamp.setUTCHours(1), TypeError);
    assert.equal(second!.timestamp.getTime(), time);
    assert.ok(first!.timestamp instanceof Date);
    assert.equal(JSON.stringify({ t: first!.timestamp }), JSON.stringify({ t: new Date(time) }));
  });

  test('a tracker processor that changes part of the event then throws leaves nothing visible', async () => {
    const a = new MemoryBackend();
    const b = new MemoryBackend();
    const halfway = (e: TrackedEvent): TrackedEvent => {
      (e.data['list'] as number[]).push(99); // throws: frozen
      throw new Error('never reached');
    };
    const { tracker, errors } = setup({ processors: [halfway], backends: { a, b } });
    tracker.emit('x', original);
    await tracker.flush();
    assert.deepEqual(a.events[0]!.data, original);
    assert.deepEqual(b.events[0]!.data, original);
    assert.equal(errors.length, 1);
  });

  test('what a tracker processor returns is frozen too, its Date timestamp made read-only', async () => {
    const a = new MemoryBackend();
    const b = new MemoryBackend();
    const restamp = (e: TrackedEvent): TrackedEvent => ({ ...e, timestamp: new Date(1000), data: { ...e.data, added: { deep: [1] } } });
    const vandal = (e: TrackedEvent): undefined => {
      e.timestamp.setTime(5);
    };
    const { tracker } = setup({ processors: [restamp], backends: { a: { backend: a, processors: [vandal] }, b } });
    tracker.emit('x', { k: 1 });
    await tracker.flush();
    assert.equal(b.events[0]!.timestamp.getTime(), 1000);
    assert.ok(Object.isFrozen(b.events[0]!) && Object.isFrozen(b.events[0]!.data) && Object.isFrozen((b.events[0]!.data['added'] as { deep: unknown }).deep));
    assert.deepEqual(b.events[0]!.data, { k: 1, added: { deep: [1] } });
  });

  test('a Router route processor that mutates cannot reach the sibling routes', async () => {
    const seen: unknown[] = [];
    const router = new Router({
      routes: [
        { name: 'a', backend: () => undefined, processors: [(e) => void ((e.data as Record<string, unknown>)['s'] = 'changed')] },
        { name: 'b', backend: (events) => void seen.push(...events.map((e) => e.data)) },
      ],
    });
    const { tracker } = setup({ backends: { router } });
    tracker.emit('x', original);
    await tracker.flush();
    assert.deepEqual(seen, [original]);
  });

  test('a backend that empties the batch array it was given does not empty a sibling route’s', async () => {
    const counts: number[] = [];
    const router = new Router({
      routes: [
        { name: 'a', backend: (events) => { try { (events as TrackedEvent[]).length = 0; } catch { /* frozen */ } } },
        { name: 'b', backend: (events) => void counts.push(events.length) },
      ],
    });
    await router.send([{ id: '1', name: 'x', timestamp: new Date(), context: {}, data: {} }]);
    assert.deepEqual(counts, [1]);
  });
});
