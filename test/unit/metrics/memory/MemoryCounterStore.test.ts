import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryCounterStore } from '../../../../src/metrics/memory/MemoryCounterStore.js';

describe('MemoryCounterStore', () => {
  it('validates its options', () => {
    assert.throws(() => new MemoryCounterStore({ prefix: 'a*' }), { name: 'ConfigurationError', option: 'prefix' });
    assert.throws(() => new MemoryCounterStore({ dedupeWindowMs: 0 }), { option: 'dedupeWindowMs' });
    assert.equal(new MemoryCounterStore().prefix, 'et:');
  });

  it('expires keys like EXPIREAT NX (first expiry wins) and LT (earliest wins)', async () => {
    let now = 1_000_000;
    const store = new MemoryCounterStore({ clock: () => now });
    await store.write({ id: '1', ops: [{ kind: 'hincr', key: 'et:{a}:k', fields: ['f'], values: [1], expiry: { nx: 2000 } }] });
    await store.write({ id: '2', ops: [{ kind: 'hincr', key: 'et:{a}:k', fields: ['f'], values: [1], expiry: { nx: 5000 } }] });
    now = 1_999_999;
    assert.deepEqual(await store.readHashes([{ key: 'et:{a}:k', fields: ['f'] }]), [[2]]);
    now = 2_000_000;
    assert.deepEqual(await store.readHashes([{ key: 'et:{a}:k', fields: ['f'] }]), [[null]], 'NX kept the first expiry');
    await store.write({ id: '3', ops: [{ kind: 'pfadd', key: 'et:{a}:u', members: ['x'], expiry: { nx: 9000, lt: 3000 } }] });
    await store.write({ id: '4', ops: [{ kind: 'pfadd', key: 'et:{a}:u', members: ['y'], expiry: { lt: 4000 } }] });
    now = 2_999_999;
    assert.equal(await store.countUnique(['et:{a}:u']), 2);
    now = 3_000_000;
    assert.equal(await store.countUnique(['et:{a}:u']), 0);
    assert.equal(store.size, 0);
  });

  it('an expiry in the past deletes the key at once', async () => {
    const store = new MemoryCounterStore({ clock: () => 10_000 });
    await store.write({ id: '1', ops: [{ kind: 'hset', key: 'et:{a}:k', fields: ['f'], values: [1], expiry: { nx: 5 } }] });
    assert.equal(store.size, 0);
  });

  it('rejects ops on a key of another type, counts them, and applies the rest', async () => {
    const store = new MemoryCounterStore();
    const result = await store.write({
      id: 'x',
      ops: [
        { kind: 'set', key: 'et:{a}:g', value: '1' },
        { kind: 'hincr', key: 'et:{a}:g', fields: ['f'], values: [1] },
        { kind: 'sadd', key: 'et:{a}:g', members: ['m'] },
        { kind: 'hincr', key: 'et:{a}:h', fields: ['f'], values: [1] },
      ],
    });
    assert.equal(result.rejectedOps, 2);
    assert.match(result.rejection!, /WRONGTYPE/);
    assert.deepEqual(await store.readHashes([{ key: 'et:{a}:h', fields: ['f'] }]), [[1]]);
    await assert.rejects(store.readHashes([{ key: 'et:{a}:g', fields: ['f'] }]), /WRONGTYPE/);
  });

  it('remembers applied batch ids for the dedupe window only', async () => {
    let now = 0;
    const store = new MemoryCounterStore({ clock: () => now, dedupeWindowMs: 1000 });
    const batch = { id: 'b', ops: [{ kind: 'hincr' as const, key: 'et:{a}:k', fields: ['f'], values: [1] }] };
    assert.deepEqual(await store.write(batch), { applied: 1, duplicates: 0, rejectedOps: 0 });
    now = 999;
    assert.deepEqual(await store.write(batch), { applied: 0, duplicates: 1, rejectedOps: 0 });
    now = 120_000; // past the window (and the sweep interval)
    assert.equal((await store.write(batch)).applied, 1);
    assert.deepEqual(await store.readHashes([{ key: 'et:{a}:k', fields: ['f'] }]), [[2]]);
  });

  it('srem removes emptied sets; deletes stay inside the prefix', async () => {
    const store = new MemoryCounterStore();
    await store.write({ id: '1', ops: [{ kind: 'sadd', key: 'et:{#}:r:s', members: ['a'] }, { kind: 'set', key: 'zz:{b}:g', value: '1' }] });
    await store.write({ id: '2', ops: [{ kind: 'srem', key: 'et:{#}:r:s', members: ['a'] }] });
    assert.deepEqual(await store.readSets(['et:{#}:r:s']), [[]]);
    assert.equal(store.size, 1);
    await assert.rejects(store.deleteByPrefix('zz:'), /outside the store prefix/);
    assert.equal(await store.clear(), 0);
    assert.deepEqual(await store.readStrings(['zz:{b}:g']), ['1']);
  });
});
