import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Backend } from '../../../src/backends/Backend.js';
import { resolveDeliveryOptions, type DeliveryOptions } from '../../../src/delivery/DeliveryOptions.js';
import type { DropReason } from '../../../src/delivery/DeliveryStats.js';
import { Dispatcher } from '../../../src/delivery/Dispatcher.js';
import { type BackendError, ConfigurationError, PartialDeliveryError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';

let seq = 0;
function event(name = 'e'): TrackedEvent {
  return { id: String(seq++), name, timestamp: new Date(), context: {}, data: {} };
}

function make(backend: Backend, options: Partial<DeliveryOptions> = {}) {
  const drops: Array<{ reason: DropReason; ids: string[] }> = [];
  const errors: BackendError[] = [];
  const dispatcher = new Dispatcher('b', backend, resolveDeliveryOptions({ retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...options }), {
    drop: (_name, events, reason) => drops.push({ reason, ids: events.map((e) => e.id) }),
    error: (error) => errors.push(error),
  });
  return { dispatcher, drops, errors };
}

function recorder(): Backend & { batches: string[][] } {
  const batches: string[][] = [];
  return { batches, send: (events) => void batches.push(events.map((e) => e.id)) };
}

describe('Dispatcher', () => {
  test('sends full batches at once and the remainder after flushIntervalMs', async () => {
    const backend = recorder();
    const { dispatcher } = make(backend, { batchSize: 3, flushIntervalMs: 500 });
    const events = Array.from({ length: 7 }, () => event());
    const started = Date.now();
    events.forEach((e) => dispatcher.enqueue(e));
    assert.equal(backend.batches.length, 0, 'enqueue never calls the backend on the caller’s stack');
    // Full batches go at once: polled (not a fixed sleep, which a loaded machine can outrun), long before the interval.
    while (backend.batches.length < 2 && Date.now() - started < 400) await sleep(1);
    assert.deepEqual(backend.batches.map((b) => b.length), [3, 3]);
    while (backend.batches.length < 3 && Date.now() - started < 3_000) await sleep(5);
    assert.ok(Date.now() - started >= 480, 'the remainder was sent before flushIntervalMs');
    assert.deepEqual(backend.batches.flat(), events.map((e) => e.id));
    assert.equal(dispatcher.stats().sent, 7);
  });

  test('retries a failed batch with backoff, in order, without duplicates', async () => {
    const delivered: string[] = [];
    let failures = 2;
    const { dispatcher, errors } = make({
      send(events) {
        if (failures-- > 0) throw new Error('temporarily down');
        delivered.push(...events.map((e) => e.id));
      },
    }, { batchSize: 2 });
    const events = Array.from({ length: 4 }, () => event());
    events.forEach((e) => dispatcher.enqueue(e));
    const result = await dispatcher.flush(2000);
    assert.equal(result.pending, 0);
    assert.deepEqual(delivered, events.map((e) => e.id));
    const stats = dispatcher.stats();
    assert.equal(stats.sent, 4);
    assert.equal(stats.failed, 2);
    assert.equal(stats.retried, 2);
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => e.backend === 'b' && e.operation === 'send'));
    assert.deepEqual(errors.map((e) => e.attempt), [1, 2]);
  });

  test('drops with reason retries-exhausted after maxRetries', async () => {
    const { dispatcher, drops } = make({ send: () => Promise.reject(new Error('down')) }, { maxRetries: 2 });
    const e = event();
    dispatcher.enqueue(e);
    await dispatcher.flush(2000);
    const stats = dispatcher.stats();
    assert.equal(stats.failed, 3);
    assert.equal(stats.dropped, 1);
    assert.deepEqual(stats.dropReasons, { 'retries-exhausted': 1 });
    assert.deepEqual(drops, [{ reason: 'retries-exhausted', ids: [e.id] }]);
  });

  test('PartialDeliveryError: delivered ones count as sent, retryable ones retried, others rejected', async () => {
    const attempts: string[][] = [];
    const { dispatcher, drops } = make({
      send(events) {
        attempts.push(events.map((e) => e.id));
        if (attempts.length === 1) {
          throw new PartialDeliveryError([
            { index: 1, error: new Error('bad document'), retryable: false },
            { index: 2, error: new Error('timeout'), retryable: true },
          ]);
        }
      },
    });
    const events = [event(), event(), event(), event()];
    events.forEach((e) => dispatcher.enqueue(e));
    await dispatcher.flush(2000);
    assert.deepEqual(attempts, [events.map((e) => e.id), [events[2]!.id]]);
    assert.deepEqual(drops, [{ reason: 'rejected', ids: [events[1]!.id] }]);
    assert.equal(dispatcher.stats().sent, 3);
  });

  test('an error marked retryable: false is dropped at once', async () => {
    const { dispatcher, drops } = make({ send: () => Promise.reject(Object.assign(new Error('invalid'), { retryable: false })) });
    dispatcher.enqueue(event());
    await dispatcher.flush(1000);
    assert.equal(dispatcher.stats().failed, 1);
    assert.equal(drops[0]!.reason, 'rejected');
  });

  for (const overflow of ['drop-oldest', 'drop-newest'] as const) {
    test(`a full queue applies ${overflow} and counts it`, async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const delivered: string[] = [];
      const { dispatcher, drops } = make(
        { send: async (events) => (await gate, void delivered.push(...events.map((e) => e.id))) },
        { maxQueueSize: 3, batchSize: 1, overflow },
      );
      const events = Array.from({ length: 6 }, () => event());
      dispatcher.enqueue(events[0]!);
      await sleep(5); // events[0] is now in flight, blocked
      events.slice(1).forEach((e) => dispatcher.enqueue(e)); // 5 more into a queue of 3
      release();
      await dispatcher.flush(1000);
      const kept = overflow === 'drop-oldest' ? [events[3]!, events[4]!, events[5]!] : [events[1]!, events[2]!, events[3]!];
      const lost = overflow === 'drop-oldest' ? [events[1]!, events[2]!] : [events[4]!, events[5]!];
      assert.deepEqual(delivered, [events[0]!.id, ...kept.map((e) => e.id)]);
      assert.deepEqual(drops.flatMap((d) => d.ids), lost.map((e) => e.id));
      assert.ok(drops.every((d) => d.reason === 'queue-full'));
      assert.deepEqual(dispatcher.stats().dropReasons, { 'queue-full': 2 });
    });
  }

  for (const overflow of ['drop-oldest', 'drop-newest'] as const) {
    test(`the queue is bounded in bytes (maxQueueBytes): ${overflow} evicts by size`, async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const delivered: string[] = [];
      const { dispatcher, drops } = make(
        { send: async (events) => (await gate, void delivered.push(...events.map((e) => e.id))) },
        { maxQueueBytes: 1_000, batchSize: 1, overflow },
      );
      const first = event();
      dispatcher.enqueue(first, 10);
      await sleep(5); // in flight, blocked
      const small = Array.from({ length: 4 }, () => event());
      small.forEach((e) => dispatcher.enqueue(e, 200)); // 800 bytes queued
      const big = event();
      dispatcher.enqueue(big, 500); // 1 300 > 1 000
      const huge = event();
      dispatcher.enqueue(huge, 1_001); // larger than the whole bound: never queued
      assert.ok(dispatcher.stats().queued <= 4);
      release();
      await dispatcher.flush(1000);
      const lost = overflow === 'drop-oldest' ? [small[0]!, small[1]!, huge] : [big, huge];
      assert.deepEqual(drops.flatMap((d) => d.ids), lost.map((e) => e.id));
      assert.deepEqual(delivered, [first, ...small, big].filter((e) => !lost.includes(e)).map((e) => e.id));
      assert.deepEqual(dispatcher.stats().dropReasons, { 'queue-full': lost.length });
    });
  }

  test('reports pressure above highWaterMark (bytes, or half of maxQueueSize) and once back under it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const changes: boolean[] = [];
    const dispatcher = new Dispatcher('b', { send: () => gate }, resolveDeliveryOptions({ maxQueueBytes: 1_000, batchSize: 2 }), {
      drop: () => undefined,
      error: () => undefined,
      pressure: (_name, above) => changes.push(above),
    });
    assert.equal(dispatcher.options.highWaterMark, 500, 'default: half of maxQueueBytes');
    for (let i = 0; i < 5; i++) dispatcher.enqueue(event(), 100); // 500: not above
    assert.deepEqual(changes, []);
    assert.equal(dispatcher.pressured, false);
    dispatcher.enqueue(event(), 100);
    assert.deepEqual(changes, [true]);
    assert.equal(dispatcher.pressured, true);
    await sleep(5); // one batch of 2 taken, in flight: 400 queued
    assert.deepEqual(changes, [true, false]);
    release();
    await dispatcher.flush(1000);
    assert.deepEqual(changes, [true, false]);

    const counted: boolean[] = [];
    const byCount = new Dispatcher('c', { send: () => undefined }, resolveDeliveryOptions({ maxQueueSize: 4, batchSize: 100 }), {
      drop: () => undefined,
      error: () => undefined,
      pressure: (_name, above) => counted.push(above),
    });
    for (let i = 0; i < 3; i++) byCount.enqueue(event(), 1);
    assert.deepEqual(counted, [true]);
    await byCount.close(1000, 'shutdown-timeout', false);
    assert.deepEqual(counted, [true, false]);
  });

  test('a send that never settles times out and is retried', async () => {
    let calls = 0;
    const { dispatcher, errors } = make(
      { send: () => (++calls === 1 ? new Promise<void>(() => undefined) : undefined) },
      { sendTimeoutMs: 30 },
    );
    dispatcher.enqueue(event());
    const result = await dispatcher.flush(2000);
    assert.equal(result.pending, 0);
    assert.equal(calls, 2);
    assert.match(errors[0]!.message, /did not finish within 30 ms/);
  });

  test('flush honours its deadline and reports what is pending', async () => {
    const { dispatcher } = make({ send: () => new Promise<void>(() => undefined) }, { sendTimeoutMs: 10_000 });
    dispatcher.enqueue(event());
    dispatcher.enqueue(event());
    const started = Date.now();
    const result = await dispatcher.flush(80);
    assert.equal(result.pending, 2);
    assert.ok(Date.now() - started < 1000);
    const closed = await dispatcher.close(20, 'shutdown-timeout', true);
    assert.equal(closed.pending, 2);
    assert.deepEqual(dispatcher.stats().dropReasons, { 'shutdown-timeout': 2 });
  });

  test('a backend rejecting with a value that cannot be printed is reported and retried, never left in flight', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { dispatcher, drops, errors } = make({ send: () => Promise.reject(Object.create(null)) }, { maxRetries: 1 });
      dispatcher.enqueue(event());
      const result = await dispatcher.flush(1000);
      await sleep(5);
      assert.deepEqual(unhandled, []);
      assert.equal(result.pending, 0);
      assert.deepEqual(drops.map((d) => d.reason), ['retries-exhausted']);
      assert.equal(errors.length, 2);
      assert.match(errors[0]!.message, /cannot be printed/);
      assert.equal(dispatcher.stats().inFlight, 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('close twice (removeBackend during shutdown) closes the backend once, with one result', async () => {
    let closes = 0;
    const { dispatcher, drops } = make({ send: () => new Promise<void>(() => undefined), close: () => void closes++ }, { flushIntervalMs: 0 });
    dispatcher.enqueue(event());
    const first = dispatcher.close(30, 'shutdown-timeout', true);
    const second = dispatcher.close(30, 'backend-removed', true);
    assert.equal(first, second);
    assert.deepEqual(await first, { pending: 1, delivered: 0, dropped: 0 });
    assert.equal(closes, 1);
    assert.deepEqual(drops.map((d) => d.reason), ['shutdown-timeout']);
  });

  test('close calls backend.flush and backend.close once', async () => {
    const calls: string[] = [];
    const { dispatcher } = make({ send: () => void calls.push('send'), flush: () => void calls.push('flush'), close: () => void calls.push('close') });
    dispatcher.enqueue(event());
    await dispatcher.close(1000, 'shutdown-timeout', true);
    assert.deepEqual(calls, ['send', 'flush', 'close']);
  });
});

describe('resolveDeliveryOptions', () => {
  test('names the bad option', () => {
    assert.throws(() => resolveDeliveryOptions({ batchSize: 0 }, 'backends.mongo.delivery'), (error: unknown) =>
      error instanceof ConfigurationError && error.option === 'backends.mongo.delivery.batchSize');
    assert.throws(() => resolveDeliveryOptions({ overflow: 'drop-all' as never }), /delivery\.overflow/);
    assert.throws(() => resolveDeliveryOptions({ maxQueueBytes: 0 }), /delivery\.maxQueueBytes/);
    assert.throws(() => resolveDeliveryOptions({ maxQueueBytes: 100, highWaterMark: 101 }), /delivery\.highWaterMark/);
    assert.throws(() => resolveDeliveryOptions({ maxQueueSize: 0.5 }), /delivery\.maxQueueSize/);
  });

  test('defaults: 64 MiB per backend, high-water mark half of it, no count bound', () => {
    const o = resolveDeliveryOptions({});
    assert.equal(o.maxQueueBytes, 64 * 1024 * 1024);
    assert.equal(o.highWaterMark, 32 * 1024 * 1024);
    assert.equal(o.maxQueueSize, Number.POSITIVE_INFINITY);
    assert.equal(resolveDeliveryOptions({ maxQueueBytes: 2_000 }).highWaterMark, 1_000, 'half of the bound given');
  });
});

describe('Dispatcher.flush with several batches in flight', () => {
  test('waits for exactly the events accepted before it, even when later ones are delivered first (maxInFlight > 1)', async () => {
    let slowDone = false;
    const backend: Backend = {
      send: async (events) => {
        if (events.some((e) => e.name === 'slow')) {
          await sleep(150);
          slowDone = true;
        }
      },
    };
    const { dispatcher } = make(backend, { batchSize: 5, maxInFlight: 4, flushIntervalMs: 1000 });
    for (let i = 0; i < 5; i++) dispatcher.enqueue(event('slow'));
    const flushed = dispatcher.flush(2000);
    for (let i = 0; i < 10; i++) dispatcher.enqueue(event('fast')); // the application keeps emitting
    const result = await flushed;
    assert.equal(slowDone, true, 'flush resolved while the events accepted before it were still in flight');
    assert.deepEqual(result, { pending: 0, delivered: 5, dropped: 0 });
  });

  test('counts, of the events it waited for, those delivered and those dropped (partial failure, then retries exhausted)', async () => {
    let attempt = 0;
    const backend: Backend = {
      send: () => {
        attempt++;
        if (attempt === 1) throw new PartialDeliveryError([{ index: 1, error: new Error('x'), retryable: true }, { index: 2, error: new Error('bad'), retryable: false }]);
        throw new Error('down');
      },
    };
    const { dispatcher } = make(backend, { batchSize: 4, maxRetries: 1, flushIntervalMs: 1000 });
    for (let i = 0; i < 4; i++) dispatcher.enqueue(event());
    assert.deepEqual(await dispatcher.flush(2000), { pending: 0, delivered: 2, dropped: 2 });
  });

  test('reports what is still pending at the deadline, not counting events accepted after the call', async () => {
    const { dispatcher } = make({ send: () => new Promise<void>(() => undefined) }, { batchSize: 2, maxInFlight: 2, flushIntervalMs: 1000 });
    dispatcher.enqueue(event());
    dispatcher.enqueue(event());
    dispatcher.enqueue(event());
    const flushed = dispatcher.flush(50);
    dispatcher.enqueue(event());
    assert.deepEqual(await flushed, { pending: 3, delivered: 0, dropped: 0 });
    await dispatcher.close(1, 'shutdown-timeout', false);
  });
});
