import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend } from '../../../src/backends/Backend.js';
import { BackendError, ConfigurationError, PartialDeliveryError, TimeoutError } from '../../../src/errors.js';
import { freezeEvent } from '../../../src/event/freezeEvent.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { redact } from '../../../src/processors/redact.js';
import { Router, type RouterOptions } from '../../../src/routing/Router.js';
import { makeEvent } from '../processors/fixtures.js';

/** A backend that records batches and fails on demand. */
class Recorder implements Backend {
  readonly batches: TrackedEvent[][] = [];
  failures: unknown[] = [];
  flushes = 0;
  closes = 0;
  flushError: unknown;

  get names(): string[] {
    return this.batches.flat().map((e) => e.name);
  }

  send(events: readonly TrackedEvent[]): Promise<void> {
    this.batches.push([...events]);
    const failure = this.failures.shift();
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  }

  flush(): void {
    this.flushes++;
    if (this.flushError !== undefined) throw this.flushError;
  }

  async close(): Promise<void> {
    this.closes++;
  }
}

const events = (...names: string[]): TrackedEvent[] =>
  names.map((name, i) => makeEvent({ name, id: `id-${name}-${i}`, data: { password: 'p', n: i } }));

async function partial(promise: Promise<void>): Promise<PartialDeliveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PartialDeliveryError, `expected PartialDeliveryError, got ${String(error)}`);
    return error;
  }
  assert.fail('send should have thrown');
}

describe('Router', () => {
  it('filters by name and runs processors per route, leaving other routes the original events', async () => {
    const mongo = new Recorder();
    const log = new Recorder();
    const counters = new Recorder();
    const router = new Router({
      routes: [
        { name: 'mongo', backend: mongo },
        { name: 'log', backend: log, exclude: ['debug.**'], processors: [redact(['data.password'])] },
        { name: 'counters', backend: counters, include: ['user.*', /^order\./] },
      ],
    });
    // Frozen with read-only timestamps, as a tracker hands them over (others the router freezes itself).
    const batch = events('user.signup', 'debug.sql.query', 'order.paid', 'page.view').map(freezeEvent);
    await router.send(batch);

    assert.deepEqual(mongo.names, ['user.signup', 'debug.sql.query', 'order.paid', 'page.view']);
    assert.equal(mongo.batches[0]![0], batch[0], 'an unfiltered route gets the very same event objects');
    assert.deepEqual(log.names, ['user.signup', 'order.paid', 'page.view']);
    assert.deepEqual(log.batches[0]!.map((e) => e.data['password']), ['[REDACTED]', '[REDACTED]', '[REDACTED]']);
    assert.deepEqual(counters.names, ['user.signup', 'order.paid']);
    assert.equal(batch[0]!.data['password'], 'p', 'the input events are untouched');
  });

  it('does not call a route that takes none of the events', async () => {
    const none = new Recorder();
    await new Router({ routes: [{ backend: none, include: ['x'] }, { backend: () => {} }] }).send(events('a', 'b'));
    assert.equal(none.batches.length, 0);
  });

  it('skips events a route processor drops, and reports a throwing processor while the event goes on unchanged', async () => {
    const backend = new Recorder();
    const reported: [string, string][] = [];
    const router = new Router({
      routes: [
        {
          name: 'r',
          backend,
          processors: [
            (e) => (e.name === 'drop.me' ? null : undefined),
            (e) => {
              if (e.name === 'boom') throw new Error('processor failed');
              return undefined;
            },
            undefined,
            false,
          ],
        },
      ],
      onProcessorError: (error, event, route) => {
        reported.push([(error as Error).message, `${route}:${event.name}`]);
        throw new Error('a failing handler is ignored');
      },
    });
    await router.send(events('keep', 'drop.me', 'boom'));
    assert.deepEqual(backend.names, ['keep', 'boom']);
    assert.deepEqual(reported, [['processor failed', 'r:boom']]);
  });

  it('writes routes concurrently: a slow route does not hold the others back', async () => {
    let releaseSlow!: () => void;
    const order: string[] = [];
    const slow: Backend = {
      send: () => new Promise<void>((resolve) => (releaseSlow = () => (order.push('slow done'), resolve()))),
    };
    const fast: Backend = { send: () => void order.push('fast called') };
    const sending = new Router({ routes: [{ backend: slow }, { backend: fast }] }).send(events('a'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['fast called']);
    releaseSlow();
    await sending;
    assert.deepEqual(order, ['fast called', 'slow done']);
  });

  it("isolates a failing route, names it, and retries only into the routes that failed", async () => {
    const good = new Recorder();
    const bad = new Recorder();
    const cause = new Error('connection refused');
    bad.failures = [cause];
    const syncThrow = new Error('sync');
    let throwSync = true;
    const thrower: Backend = {
      send: () => {
        if (throwSync) throw syncThrow;
      },
    };
    const router = new Router({
      routes: [
        { name: 'good', backend: good },
        { name: 'bad', backend: bad, include: ['b', 'c'] },
        { name: 'thrower', backend: thrower, include: ['c'] },
      ],
    });
    const batch = events('a', 'b', 'c');

    const error = await partial(router.send(batch));
    assert.deepEqual(good.names, ['a', 'b', 'c'], 'the good route got everything despite the failures');
    assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[1, true], [2, true]]);
    const single = error.failures[0]!.error;
    assert.ok(single instanceof BackendError);
    assert.equal(single.backend, 'bad');
    assert.equal(single.operation, 'send');
    assert.equal(single.cause, cause);
    const both = error.failures[1]!.error;
    assert.ok(both instanceof AggregateError);
    assert.deepEqual(both.errors.map((e: BackendError) => [e.backend, e.cause]), [['bad', cause], ['thrower', syncThrow]]);

    // The delivery layer retries the failed events; the good route must not get them twice.
    throwSync = false;
    await router.send([batch[1]!, batch[2]!]);
    assert.deepEqual(good.names, ['a', 'b', 'c']);
    assert.deepEqual(bad.names, ['b', 'c', 'b', 'c']);

    // Delivered everywhere: forgotten, so the same ids are new events again.
    await router.send([batch[1]!]);
    assert.deepEqual(good.names, ['a', 'b', 'c', 'b']);
  });

  it("maps a route's PartialDeliveryError back to the router's batch", async () => {
    const partialBackend = new Recorder();
    const other = new Recorder();
    const router = new Router({
      routes: [
        { name: 'partial', backend: partialBackend, include: ['x.*'] },
        { name: 'other', backend: other },
      ],
    });
    partialBackend.failures = [
      new PartialDeliveryError([
        { index: 1, error: new Error('duplicate key'), retryable: false },
        { index: 2, error: new Error('timeout'), retryable: true },
        { index: 99, error: new Error('out of range'), retryable: true },
      ]),
    ];
    const batch = events('y', 'x.1', 'y', 'x.2', 'x.3');
    const error = await partial(router.send(batch));
    // Route positions 1 and 2 are batch indices 3 and 4; the bogus index is ignored.
    assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[3, false], [4, true]]);
    assert.equal((error.failures[0]!.error as BackendError).backend, 'partial');

    // Only the retryable event is remembered; the non-retryable one is given up everywhere.
    await router.send([batch[4]!]);
    assert.deepEqual(partialBackend.batches[1]!.map((e) => e.id), [batch[4]!.id]);
    assert.equal(other.batches.length, 1, 'the other route already has it');
    await router.send([batch[3]!]);
    assert.equal(other.batches.length, 2, 'a given-up event is not remembered');
  });

  it('routes through nested routers, and a retry reaches only the failed leaf', async () => {
    const mongo = new Recorder();
    const log = new Recorder();
    const counters = new Recorder();
    counters.failures = [new Error('redis down')];
    const inner = new Router({ routes: [{ name: 'log', backend: log }, { name: 'counters', backend: counters, include: ['m.*'] }] });
    const outer = new Router({ routes: [{ name: 'mongo', backend: mongo }, { name: 'inner', backend: inner, exclude: ['secret'] }] });
    const batch = events('m.a', 'secret', 'm.b', 'n');

    const error = await partial(outer.send(batch));
    assert.deepEqual(error.failures.map((f) => f.index), [0, 2]);
    const failure = error.failures[0]!.error as BackendError;
    assert.equal(failure.backend, 'inner');
    assert.ok(failure.cause instanceof BackendError && failure.cause.backend === 'counters');
    assert.deepEqual(log.names, ['m.a', 'm.b', 'n']);

    await outer.send([batch[0]!, batch[2]!]);
    assert.deepEqual(mongo.names, ['m.a', 'secret', 'm.b', 'n']);
    assert.deepEqual(log.names, ['m.a', 'm.b', 'n']);
    assert.deepEqual(counters.names, ['m.a', 'm.b', 'm.a', 'm.b']);
  });

  it('fails a hung route after routeTimeoutMs without holding back the others', async () => {
    const good = new Recorder();
    const hung: Backend = { send: () => new Promise<void>(() => {}) };
    const router = new Router({ routes: [{ name: 'good', backend: good }, { name: 'hung', backend: hung }], routeTimeoutMs: 30 });
    const started = Date.now();
    // The router's timer is unref'd (it never keeps a process alive); this test keeps the loop alive itself.
    const keepAlive = setInterval(() => {}, 1_000);
    const error = await partial(router.send(events('a', 'b'))).finally(() => clearInterval(keepAlive));
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual(good.names, ['a', 'b']);
    assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[0, true], [1, true]]);
    const failure = error.failures[0]!.error as BackendError;
    assert.equal(failure.backend, 'hung');
    assert.ok(failure.cause instanceof TimeoutError);
  });

  it('treats a route error marked retryable: false as permanent', async () => {
    const good = new Recorder();
    const bad = new Recorder();
    bad.failures = [Object.assign(new Error('schema rejected'), { retryable: false })];
    const router = new Router({ routes: [{ backend: good }, { backend: bad }] });
    const batch = events('a');
    const error = await partial(router.send(batch));
    assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[0, false]]);
    await router.send(batch);
    assert.deepEqual(good.names, ['a', 'a'], 'a permanent failure is not remembered for a retry');
  });

  it('a route rejecting with a value that cannot be printed fails only that route, so the retry skips the others', async () => {
    const good = new Recorder();
    const bad = new Recorder();
    bad.failures = [Object.create(null)];
    const router = new Router({ routes: [{ backend: good }, { backend: bad, name: 'bad' }] });
    const batch = events('a');
    const error = await partial(router.send(batch));
    assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[0, true]]);
    await router.send(batch);
    assert.deepEqual(good.names, ['a']);
    assert.deepEqual(bad.names, ['a', 'a']);
  });

  it('retryMemory: 0 retries into every route', async () => {
    const good = new Recorder();
    const bad = new Recorder();
    bad.failures = [new Error('x')];
    const router = new Router({ routes: [{ backend: good }, { backend: bad }], retryMemory: 0 });
    const batch = events('a');
    await partial(router.send(batch));
    await router.send(batch);
    assert.deepEqual(good.names, ['a', 'a']);
  });

  it('forgets the oldest events past retryMemory', async () => {
    const good = new Recorder();
    const bad = new Recorder();
    bad.failures = [new Error('x')];
    const router = new Router({ routes: [{ backend: good }, { backend: bad }], retryMemory: 2 });
    const batch = events('a', 'b', 'c');
    await partial(router.send(batch));
    await router.send(batch);
    // 'a' was forgotten (oldest), so it goes to the good route again; 'b' and 'c' do not.
    assert.deepEqual(good.names, ['a', 'b', 'c', 'a']);
    assert.deepEqual(bad.names, ['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('accepts(name) is true when any route takes the name', () => {
    const router = new Router({ routes: [{ backend: () => {}, include: ['a.*'] }, { backend: () => {}, include: ['b'], exclude: ['b'] }] });
    assert.equal(router.accepts('a.x'), true);
    assert.equal(router.accepts('b'), false);
    assert.equal(router.accepts('c'), false);
    assert.equal(new Router({ routes: [{ backend: () => {} }] }).accepts('anything'), true);
  });

  it('flushes every route, and reports which route failed', async () => {
    const a = new Recorder();
    const b = new Recorder();
    const c = new Recorder();
    const router = new Router({ routes: [{ name: 'a', backend: a }, { name: 'b', backend: b }, { name: 'c', backend: c }, { backend: () => {} }] });
    await router.flush();
    assert.deepEqual([a.flushes, b.flushes, c.flushes], [1, 1, 1]);

    b.flushError = new Error('disk full');
    await assert.rejects(router.flush(), (e: unknown) => e instanceof BackendError && e.backend === 'b' && e.operation === 'flush');
    assert.equal(c.flushes, 2, 'the other routes are still flushed');

    c.flushError = new Error('gone');
    await assert.rejects(
      router.flush(),
      (e: unknown) => e instanceof BackendError && e.backend === 'b, c' && e.cause instanceof AggregateError,
    );
  });

  it('closes every route backend once, however often close is called', async () => {
    const a = new Recorder();
    const b = new Recorder();
    const router = new Router({ routes: [{ backend: a }, { backend: b }] });
    await Promise.all([router.close(), router.close()]);
    await router.close();
    assert.deepEqual([a.closes, b.closes], [1, 1]);
    assert.deepEqual(router.routeNames, ['routes[0]', 'routes[1]']);
  });

  const bad: [options: unknown, option: string][] = [
    [undefined, 'routes'],
    [{ routes: [] }, 'routes'],
    [{ routes: [null] }, 'routes[0]'],
    [{ routes: [{ backend: {} }] }, 'routes[0].backend'],
    [{ routes: [{ backend: () => {}, name: '' }] }, 'routes[0].name'],
    [{ routes: [{ backend: () => {}, name: 'x' }, { backend: () => {}, name: 'x' }] }, 'routes[1].name'],
    [{ routes: [{ backend: () => {}, include: [''] }] }, 'routes[0].include[0]'],
    [{ routes: [{ backend: () => {}, processors: 'redact' }] }, 'routes[0].processors'],
    [{ routes: [{ backend: () => {}, processors: [42] }] }, 'routes[0].processors[0]'],
    [{ routes: [{ backend: () => {} }], retryMemory: -1 }, 'retryMemory'],
    [{ routes: [{ backend: () => {} }], routeTimeoutMs: 1.5 }, 'routeTimeoutMs'],
    [{ routes: [{ backend: () => {} }], onProcessorError: 'log' }, 'onProcessorError'],
  ];
  for (const [options, option] of bad) {
    it(`rejects a bad option at ${option}`, () => {
      assert.throws(
        () => new Router(options as RouterOptions),
        (e: unknown) => e instanceof ConfigurationError && e.option === option,
      );
    });
  }
});
