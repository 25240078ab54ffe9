import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentIds } from '../../../../src/backends/counters/RecentIds.js';
import { newEventId } from '../../../../src/event/ids.js';
import { random } from '../../metrics/reference.js';

test('RecentIds recognises ids among the last `capacity` and forgets older ones', () => {
  const recent = new RecentIds(3);
  assert.equal(recent.add('a'), true);
  assert.equal(recent.add('b'), true);
  assert.equal(recent.add('a'), false);
  assert.equal(recent.add('c'), true);
  assert.equal(recent.add('d'), true); // evicts a
  assert.equal(recent.add('b'), false);
  assert.equal(recent.add('a'), true); // forgotten, so new again; evicts b
  assert.equal(recent.add('b'), true);
  assert.equal(recent.add('d'), false);
});

/** The obvious implementation, to compare with. */
function reference(capacity: number): (id: string) => boolean {
  const window: string[] = [];
  return (id) => {
    if (window.includes(id)) return false;
    window.push(id);
    if (window.length > capacity) window.shift();
    return true;
  };
}

test('RecentIds agrees with a plain window on interleaved, repeated and out-of-order ids', () => {
  const rand = random(11);
  for (const capacity of [1, 2, 5, 64]) {
    const ids = Array.from({ length: 400 }, () => newEventId(Date.now()));
    const recent = new RecentIds(capacity);
    const expected = reference(capacity);
    let repeats = 0;
    for (let step = 0; step < 5000; step++) {
      // Mostly fresh ids in order, some repeats of recent ones, some older ones arriving late.
      const r = rand();
      const at = r < 0.6 ? Math.min(ids.length - 1, Math.floor(step / 12)) : Math.floor(rand() * Math.min(ids.length, step / 12 + 1));
      const id = ids[at]!;
      const got = recent.add(id);
      assert.equal(got, expected(id), `capacity ${capacity}, step ${step}`);
      if (!got) repeats += 1;
    }
    assert.ok(repeats > 0);
  }
});

test('RecentIds recognises a re-sent batch of time-ordered ids', () => {
  const recent = new RecentIds(1000);
  const batches = Array.from({ length: 5 }, () => Array.from({ length: 100 }, () => newEventId(Date.now())));
  for (const batch of batches) for (const id of batch) assert.equal(recent.add(id), true);
  for (const id of batches[2]!) assert.equal(recent.add(id), false);
  const later = Array.from({ length: 2500 }, () => newEventId(Date.now()));
  for (const id of later) assert.equal(recent.add(id), true);
  for (const id of batches[4]!) assert.equal(recent.add(id), true, 'older than the window');
});
