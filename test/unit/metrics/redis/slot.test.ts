import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keySlot } from '../../../../src/metrics/redis/slot.js';

// Reference values from the Redis Cluster specification and `CLUSTER KEYSLOT`
// (the integration suite compares against a live cluster too).
describe('keySlot', () => {
  it('hashes like Redis Cluster', () => {
    assert.equal(keySlot('123456789'), 0x31c3 % 16384); // CRC16-XMODEM check value
    assert.equal(keySlot('foo'), 12182);
    assert.equal(keySlot('bar'), 5061);
    assert.equal(keySlot(''), 0);
  });

  it('hashes only the first non-empty {tag}', () => {
    assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
    assert.equal(keySlot('{user1000}.following'), keySlot('user1000'));
    assert.equal(keySlot('foo{}{bar}'), keySlot('foo{}{bar}'), 'an empty tag hashes the whole key');
    assert.notEqual(keySlot('foo{}{bar}'), keySlot('bar'));
    assert.equal(keySlot('foo{{bar}}zap'), keySlot('{bar'));
    assert.equal(keySlot('et:{signup}:m:d:2026-03'), keySlot('other:{signup}:x:abc'));
  });

  it('hashes UTF-8 bytes', () => {
    assert.equal(keySlot('{größe}'), keySlot('größe'));
    assert.notEqual(keySlot('größe'), keySlot('grosse'));
  });
});
