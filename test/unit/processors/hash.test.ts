import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash32 } from '../../../src/processors/hash.js';

describe('hash32', () => {
  // Pinned: sampling decisions derive from these values and must not change between releases.
  const pinned: [string, number][] = [
    ['', 2872998923],
    ['a', 444641715],
    ['user-1', 2005895916],
    ['user-2', 853201105],
    ['é☃', 4058945773],
  ];
  for (const [text, value] of pinned) it(`hash32(${JSON.stringify(text)}) = ${value}`, () => assert.equal(hash32(text), value));

  it('returns unsigned 32-bit integers spread evenly over the range, even for similar keys', () => {
    const buckets = new Array<number>(16).fill(0);
    const n = 16_000;
    for (let i = 0; i < n; i++) {
      const h = hash32(`user-${i}`);
      assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
      buckets[h >>> 28]!++;
    }
    // Each bucket expects 1000; a well-mixed hash stays within ±15 %.
    for (const count of buckets) assert.ok(count > 850 && count < 1150, `bucket count ${count}`);
  });
});
