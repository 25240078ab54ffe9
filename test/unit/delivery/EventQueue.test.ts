import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../../src/delivery/backoff.js';
import { EventQueue } from '../../../src/delivery/EventQueue.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';

const e = (id: number): TrackedEvent => ({ id: String(id), name: 'n', timestamp: new Date(0), context: {}, data: {} });

test('EventQueue is a FIFO ring that wraps around and grows, counting bytes', () => {
  const q = new EventQueue(4);
  let next = 0;
  let bytes = 0;
  const taken: string[] = [];
  for (let round = 0; round < 10; round++) {
    // Fills past the initial capacity every third round: the ring grows in the middle of a wrap.
    const fill = round % 3 === 2 ? 9 : 4;
    while (q.length < fill) {
      q.push(e(next), next + 1);
      bytes += ++next;
    }
    assert.equal(q.bytes, bytes);
    for (const x of q.take(3)) {
      taken.push(x.id);
      bytes -= Number(x.id) + 1;
    }
    if (round % 3 === 0) {
      assert.equal(q.headSize, Number(taken.length) + 1);
      const x = q.shift()!;
      taken.push(x.id);
      bytes -= Number(x.id) + 1;
    }
    assert.equal(q.bytes, bytes);
  }
  taken.push(...q.take(100).map((x) => x.id));
  assert.deepEqual(taken, Array.from({ length: next }, (_, i) => String(i)));
  assert.equal(q.length, 0);
  assert.equal(q.bytes, 0);
  assert.equal(q.shift(), undefined);
});

test('backoffDelay: full jitter under an exponential ceiling capped at maxMs', () => {
  assert.equal(backoffDelay(1, 100, 30_000, () => 0.999), 99);
  assert.equal(backoffDelay(3, 100, 30_000, () => 0.5), 200);
  assert.equal(backoffDelay(20, 100, 30_000, () => 0.5), 15_000);
  assert.equal(backoffDelay(2, 100, 30_000, () => 0), 0);
});
