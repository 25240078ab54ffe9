import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../../src/delivery/backoff.js';
import { EventQueue } from '../../../src/delivery/EventQueue.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';

const e = (id: number): TrackedEvent => ({ id: String(id), name: 'n', timestamp: new Date(0), context: {}, data: {} });

test('EventQueue is a FIFO ring that wraps around', () => {
  const q = new EventQueue(4);
  let next = 0;
  const taken: string[] = [];
  for (let round = 0; round < 10; round++) {
    while (!q.full) q.push(e(next++));
    taken.push(...q.take(3).map((x) => x.id));
    if (round % 3 === 0) taken.push(q.shift()!.id);
  }
  taken.push(...q.take(100).map((x) => x.id));
  assert.deepEqual(taken, Array.from({ length: next }, (_, i) => String(i)));
  assert.equal(q.length, 0);
});

test('backoffDelay: full jitter under an exponential ceiling capped at maxMs', () => {
  assert.equal(backoffDelay(1, 100, 30_000, () => 0.999), 99);
  assert.equal(backoffDelay(3, 100, 30_000, () => 0.5), 200);
  assert.equal(backoffDelay(20, 100, 30_000, () => 0.5), 15_000);
  assert.equal(backoffDelay(2, 100, 30_000, () => 0), 0);
});
