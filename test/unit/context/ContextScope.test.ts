import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { Tracker } from '../../../src/tracker/Tracker.js';

const trackers: Tracker[] = [];
function setup(): { tracker: Tracker; memory: MemoryBackend } {
  const memory = new MemoryBackend();
  const tracker = createTracker({ backends: { memory }, delivery: { flushIntervalMs: 5 } });
  trackers.push(tracker);
  return { tracker, memory };
}
after(async () => {
  await Promise.all(trackers.map((t) => t.shutdown()));
});

describe('context semantics', () => {
  test('context returns what fn returns, sync and async', async () => {
    const { tracker } = setup();
    assert.equal(tracker.context('a', {}, () => 42), 42);
    assert.equal(await tracker.context('a', {}, async () => 43), 43);
  });

  test('inner frames win on conflicts; plain objects merge deeply; arrays replace', () => {
    const { tracker } = setup();
    tracker.context('outer', { user_id: 1, org: { id: 'o', tags: ['a'] }, keep: true }, () => {
      tracker.context('inner', { user_id: 2, org: { name: 'n', tags: ['b'] } }, () => {
        assert.deepEqual(tracker.resolveContext(), { user_id: 2, org: { id: 'o', name: 'n', tags: ['b'] }, keep: true });
      });
      assert.deepEqual(tracker.resolveContext(), { user_id: 1, org: { id: 'o', tags: ['a'] }, keep: true });
    });
    assert.deepEqual(tracker.resolveContext(), {});
  });

  test('re-entering a name shadows the outer frame only for the inner scope', () => {
    const { tracker } = setup();
    tracker.context('request', { id: 'outer' }, () => {
      tracker.context('request', { id: 'inner' }, () => assert.equal(tracker.resolveContext()['id'], 'inner'));
      assert.equal(tracker.resolveContext()['id'], 'outer');
    });
  });

  test('recorded context and data are snapshots: later mutation changes nothing', async () => {
    const { tracker, memory } = setup();
    const ctx = { user: { id: 1 } };
    const data = { list: [1], nested: { a: 'x' } };
    tracker.context('c', ctx, () => tracker.emit('snap', data));
    ctx.user.id = 2;
    data.list.push(2);
    data.nested.a = 'y';
    await tracker.flush();
    const [event] = memory.named('snap');
    assert.deepEqual(event!.context, { user: { id: 1 } });
    assert.deepEqual(event!.data, { list: [1], nested: { a: 'x' } });
    assert.ok(Object.isFrozen(event!.context));
    assert.throws(() => {
      (event!.context as Record<string, unknown>)['user'] = 3;
    }, TypeError);
  });

  test('enterContext / exitContext: imperative frames; exit of an unknown name is false', () => {
    const { tracker } = setup();
    tracker.context('scope', {}, () => {
      tracker.enterContext('outer', { a: 1, shared: 'outer' });
      tracker.enterContext('mid', { b: 2, shared: 'mid' });
      tracker.enterContext('top', { c: 3 });
      assert.deepEqual(tracker.resolveContext(), { a: 1, b: 2, c: 3, shared: 'mid' });
      assert.equal(tracker.exitContext('mid'), true);
      assert.deepEqual(tracker.resolveContext(), { a: 1, c: 3, shared: 'outer' });
      assert.equal(tracker.exitContext('nope'), false);
      assert.equal(tracker.exitContext('top'), true);
      assert.equal(tracker.exitContext('outer'), true);
      assert.deepEqual(tracker.resolveContext(), {});
    });
  });
});

describe('context propagation', () => {
  test('across await, timers, setImmediate, nextTick, Promise.all and queueMicrotask', async () => {
    const { tracker } = setup();
    const seen = await tracker.context('request', { user_id: 7 }, async () => {
      const out: unknown[] = [];
      await sleep(1);
      out.push(tracker.resolveContext()['user_id']);
      await new Promise<void>((resolve) => setTimeout(() => (out.push(tracker.resolveContext()['user_id']), resolve()), 1));
      await new Promise<void>((resolve) => setImmediate(() => (out.push(tracker.resolveContext()['user_id']), resolve())));
      await new Promise<void>((resolve) => process.nextTick(() => (out.push(tracker.resolveContext()['user_id']), resolve())));
      await new Promise<void>((resolve) => queueMicrotask(() => (out.push(tracker.resolveContext()['user_id']), resolve())));
      const all = await Promise.all([1, 2].map(async () => (await sleep(1), tracker.resolveContext()['user_id'])));
      return [...out, ...all];
    });
    assert.deepEqual(seen, [7, 7, 7, 7, 7, 7, 7]);
  });

  test('bind carries the context to a callback fired from elsewhere', async () => {
    const { tracker } = setup();
    let callback: (() => unknown) | undefined;
    tracker.context('request', { user_id: 11 }, () => {
      callback = tracker.bind(() => tracker.resolveContext()['user_id']);
    });
    const fired = await tracker.context('other', { user_id: 99 }, async () => {
      await sleep(1);
      return callback!();
    });
    assert.equal(fired, 11);
  });

  test('bindEmitter: listeners run in the context they were added in; removal works', async () => {
    const { tracker } = setup();
    const emitter = tracker.bindEmitter(new EventEmitter());
    const seen: unknown[] = [];
    const listener = (): void => {
      seen.push(tracker.resolveContext()['user_id']);
    };
    tracker.context('request', { user_id: 5 }, () => {
      emitter.on('data', listener);
      emitter.once('end', listener);
    });
    tracker.context('pool', { user_id: 6 }, () => {
      emitter.emit('data');
      emitter.emit('end');
      emitter.emit('end');
    });
    emitter.removeListener('data', listener);
    emitter.emit('data');
    assert.deepEqual(seen, [5, 5]);
    assert.equal(emitter.listenerCount('data'), 0);
  });

  test('bindEmitter: a once listener can be removed before it fires', () => {
    const { tracker } = setup();
    const emitter = tracker.bindEmitter(new EventEmitter());
    let fired = 0;
    const listener = (): void => void fired++;
    tracker.context('request', { user_id: 5 }, () => {
      emitter.once('end', listener);
      emitter.prependOnceListener('end', listener);
    });
    emitter.removeListener('end', listener);
    emitter.off('end', listener);
    assert.equal(emitter.listenerCount('end'), 0);
    emitter.emit('end');
    assert.equal(fired, 0);
  });

  test('a context whose values throw when read still runs fn (the value is recorded as a marker)', async () => {
    const { tracker, memory } = setup();
    const ctx = { ok: 1, get bad(): never { throw new Error('lazy getter'); } };
    const result = tracker.context('c', ctx, () => {
      tracker.emit('inside', {});
      return 'ran';
    });
    assert.equal(result, 'ran');
    await tracker.flush();
    assert.deepEqual(memory.events[0]!.context, { value: '[Unserializable: lazy getter]' });
  });

  test('1 000 concurrent flows with random delays never see each other’s context', async () => {
    const { tracker, memory } = setup();
    const flows = 1000;
    await Promise.all(
      Array.from({ length: flows }, (_, i) =>
        tracker.context('request', { user_id: i, session: { id: `s${i}` } }, async () => {
          for (let step = 0; step < 3; step++) {
            await sleep(Math.floor(Math.random() * 5));
            await tracker.context('step', { step, session: { step } }, async () => {
              await new Promise((resolve) => setImmediate(resolve));
              tracker.emit('flow.step', { user_id: i, step });
            });
          }
        }),
      ),
    );
    await tracker.flush();
    const events = memory.named('flow.step');
    assert.equal(events.length, flows * 3);
    for (const event of events) {
      const { user_id, step } = event.data as { user_id: number; step: number };
      assert.deepEqual(event.context, { user_id, session: { id: `s${user_id}`, step }, step });
    }
  });
});

describe('contexts built by integrations (contextFlat)', () => {
  test('a frozen object of strings and finite numbers is kept as it is, its size counted', async () => {
    const { tracker, memory } = setup();
    const ctx = Object.freeze({ method: 'GET', path: '/a', user_id: 7 });
    tracker.contextFlat('request', ctx, () => {
      assert.equal(tracker.resolveContext(), ctx);
      tracker.emit('page.view', { n: 1 });
    });
    await tracker.flush();
    assert.equal(memory.events[0]!.context, ctx);
    assert.equal(tracker.stats().converted, 0);
  });

  test('anything else is copied and normalised as by context()', async () => {
    const { tracker, memory } = setup();
    const notFrozen = { method: 'GET' };
    const nested = Object.freeze({ org: Object.freeze({ id: 'o' }) });
    const odd = Object.freeze({ n: Number.NaN, when: new Date(0) }) as unknown as Record<string, number>;
    for (const ctx of [notFrozen, nested, odd]) tracker.contextFlat('request', ctx as Record<string, string>, () => tracker.emit('page.view'));
    notFrozen.method = 'POST';
    await tracker.flush();
    const [first, second, third] = memory.events;
    assert.notEqual(first!.context, notFrozen);
    assert.deepEqual(first!.context, { method: 'GET' });
    assert.ok(Object.isFrozen(first!.context));
    assert.notEqual(second!.context, nested);
    assert.deepEqual(second!.context, { org: { id: 'o' } });
    assert.deepEqual(third!.context, { n: null, when: '1970-01-01T00:00:00.000Z' });
  });

  test('the size of a kept context counts towards maxEventSize', async () => {
    const memory = new MemoryBackend();
    const tracker = createTracker({ backends: { memory }, maxEventSize: 400 });
    trackers.push(tracker);
    tracker.contextFlat('request', Object.freeze({ big: 'x'.repeat(400) }), () => tracker.emit('page.view'));
    tracker.contextFlat('request', Object.freeze({ small: 'x' }), () => tracker.emit('page.view'));
    await tracker.flush();
    assert.equal(memory.events.length, 1);
    assert.equal(tracker.stats().dropped.oversized, 1);
  });
});
