import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { retryAfterOf } from '../../../src/delivery/backoff.js';
import { resolveDeliveryOptions } from '../../../src/delivery/DeliveryOptions.js';
import { Dispatcher } from '../../../src/delivery/Dispatcher.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';

test('retryAfterOf reads a finite positive error.retryAfterMs, else 0', () => {
  assert.equal(retryAfterOf(Object.assign(new Error('x'), { retryAfterMs: 250 })), 250);
  for (const bad of [undefined, null, 'x', new Error('x'), { retryAfterMs: -1 }, { retryAfterMs: Number.NaN }, { retryAfterMs: '5' }]) {
    assert.equal(retryAfterOf(bad), 0);
  }
});

test('the Dispatcher waits at least error.retryAfterMs before a retry (a server Retry-After)', async () => {
  const tries: number[] = [];
  const dispatcher = new Dispatcher(
    'b',
    {
      send: () => {
        tries.push(Date.now());
        if (tries.length === 1) throw Object.assign(new Error('429'), { retryAfterMs: 300 });
      },
    },
    resolveDeliveryOptions({ retryBaseDelayMs: 1, retryMaxDelayMs: 2, batchSize: 1 }),
    { drop: () => undefined, error: () => undefined },
  );
  const event: TrackedEvent = { id: '1', name: 'e', timestamp: new Date(), context: {}, data: {} };
  dispatcher.enqueue(event);
  const started = Date.now();
  while (tries.length < 2 && Date.now() - started < 3_000) await sleep(10);
  assert.equal(tries.length, 2);
  assert.ok(tries[1]! - tries[0]! >= 290, `retried after ${tries[1]! - tries[0]!} ms, before Retry-After`);
  assert.equal(dispatcher.stats().sent, 1);
});
