import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeqRuns } from '../../../src/delivery/SeqRuns.js';

test('SeqRuns: a FIFO of sequence numbers kept as runs; shift gives the first of one run or the list', () => {
  const runs = new SeqRuns();
  assert.equal(runs.head, undefined);
  for (const seq of [5, 6, 7, 8, 20, 21, 3]) runs.push(seq);
  assert.equal(runs.length, 7);
  assert.equal(runs.head, 5);
  assert.equal(runs.countBelow(7), 3, '5, 6 and 3');
  assert.equal(runs.shift(2), 5, 'within one run: its first number');
  assert.deepEqual(runs.shift(3), [7, 8, 20], 'across runs: the list');
  assert.equal(runs.head, 21);
  assert.deepEqual(runs.shift(10), [21, 3], 'no more than it holds');
  assert.equal(runs.length, 0);
  assert.equal(runs.head, undefined);
  for (let i = 0; i < 1_000; i++) runs.push(i * 2); // many runs: the array is compacted as they go
  let taken = 0;
  while (runs.length > 0) {
    const out = runs.shift(3);
    taken += typeof out === 'number' ? 1 : out.length;
  }
  assert.equal(taken, 1_000);
});
