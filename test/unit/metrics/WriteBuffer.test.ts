import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteBuffer } from '../../../src/metrics/WriteBuffer.js';

describe('WriteBuffer', () => {
  it('sums increments per field and counts distinct writes', () => {
    const buffer = new WriteBuffer();
    buffer.incr('k', 'a', 1, 100);
    buffer.incr('k', 'a', 2, 100);
    buffer.incr('k', 'b', 5, 100);
    assert.equal(buffer.size, 2);
    assert.deepEqual(buffer.take(), [{ kind: 'hincr', key: 'k', fields: ['a', 'b'], values: [3, 5], expiry: { nx: 100 } }]);
    assert.equal(buffer.size, 0);
    assert.deepEqual(buffer.take(), []);
  });

  it('a set replaces pending increments; later increments add to the set value', () => {
    const buffer = new WriteBuffer();
    buffer.incr('k', 'a', 4, 0);
    buffer.incr('k', 'b', 1, 0);
    buffer.hset('k', 'a', 10, 0);
    buffer.incr('k', 'a', 2, 0);
    assert.equal(buffer.size, 2);
    assert.deepEqual(buffer.take(), [
      { kind: 'hset', key: 'k', fields: ['a'], values: [12] },
      { kind: 'hincr', key: 'k', fields: ['b'], values: [1] },
    ]);
  });

  it("keeps the earliest per-call expiry of each field, next to the key's retention (NX); other fields get none", () => {
    const buffer = new WriteBuffer();
    buffer.incr('k', 'a', 1, 500);
    buffer.incr('k', 'a', 1, 500, 300);
    buffer.incr('k', 'a', 1, 500, 200);
    buffer.incr('k', 'a', 1, 500, 400);
    buffer.incr('k', 'b', 1, 500);
    assert.deepEqual(buffer.take()[0], { kind: 'hincr', key: 'k', fields: ['a', 'b'], values: [4, 1], expiry: { nx: 500 }, fieldExpiries: [200, 0] });
    buffer.hset('k', 'c', 7, 0, 900);
    assert.deepEqual(buffer.take(), [{ kind: 'hset', key: 'k', fields: ['c'], values: [7], fieldExpiries: [900] }]);
  });

  it('deduplicates unique and registry members; a string keeps its last value', () => {
    const buffer = new WriteBuffer();
    buffer.pfadd('u', 'x', 9);
    buffer.pfadd('u', 'x', 9);
    buffer.pfadd('u', 'y', 9);
    buffer.sadd('s', 'm');
    buffer.sadd('s', 'm');
    buffer.setString('g', '1');
    buffer.setString('g', '2');
    assert.equal(buffer.size, 4);
    assert.deepEqual(buffer.take(), [
      { kind: 'pfadd', key: 'u', members: ['x', 'y'], expiry: { nx: 9 } },
      { kind: 'set', key: 'g', value: '2' },
      { kind: 'sadd', key: 's', members: ['m'] },
    ]);
  });

  it('coalesces hmin/hmax writes to the extreme of each field, one write per field', () => {
    const buffer = new WriteBuffer();
    buffer.extreme('t', 'lo', 5, 9, false);
    buffer.extreme('t', 'lo', 3, 9, false);
    buffer.extreme('t', 'lo', 4, 9, false);
    buffer.extreme('t', 'hi', 5, 9, true);
    buffer.extreme('t', 'hi', 8, 9, true);
    buffer.extreme('t', 'hi', 7, 9, true);
    assert.equal(buffer.size, 2);
    assert.deepEqual(buffer.take(), [
      { kind: 'hmin', key: 't', fields: ['lo'], values: [3], expiry: { nx: 9 } },
      { kind: 'hmax', key: 't', fields: ['hi'], values: [8], expiry: { nx: 9 } },
    ]);
  });
});
