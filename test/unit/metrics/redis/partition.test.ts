import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WriteBatch } from '../../../../src/metrics/CounterStore.js';
import { partition } from '../../../../src/metrics/redis/partition.js';
import { keySlot } from '../../../../src/metrics/redis/slot.js';

const batch: WriteBatch = {
  id: 'b1',
  ops: [
    { kind: 'hincr', key: 'p:{a}:m:d:2026-03', fields: ['01', '02'], values: [1, 2.5], expiry: { nx: 100 } },
    { kind: 'hincr', key: 'p:{b}:m:d:2026-03', fields: ['01'], values: [3] },
    { kind: 'pfadd', key: 'p:{a}:u:d:2026-03:01', members: ['x', 'y'], expiry: { nx: 100, lt: 50 } },
    { kind: 'sadd', key: 'p:{#}:r:slugs', members: ['a', 'b'] },
    { kind: 'set', key: 'p:{a}:g', value: '7' },
    { kind: 'del', key: 'p:{b}:g' },
  ],
};

describe('partition', () => {
  it('standalone: one part, marker next to the first key, ops encoded in order', () => {
    const parts = partition(batch, { cluster: false, maxItems: 1000, markerTtlSeconds: 3600 });
    assert.equal(parts.length, 1);
    assert.deepEqual(parts[0]!.keys, ['p:{a}:x:b1:0:0', ...batch.ops.map((op) => op.key)]);
    assert.deepEqual(parts[0]!.args, [
      '3600',
      '0', // no deadline: the store sets the batch's
      'hi', '100', '0', '2', '01', '1', '02', '2.5',
      'hi', '0', '0', '1', '01', '3',
      'pf', '100', '50', '2', 'x', 'y',
      'sa', '0', '0', '2', 'a', 'b',
      'st', '0', '0', '1', '7',
      'dl', '0', '0', '0',
    ]);
  });

  it('cluster: one part per hash slot, every key of a part (marker included) in that slot', () => {
    const parts = partition(batch, { cluster: true, maxItems: 1000, markerTtlSeconds: 60 });
    assert.equal(parts.length, 3);
    for (const part of parts) {
      assert.equal(new Set(part.keys.map(keySlot)).size, 1, part.keys.join(' '));
      assert.equal(keySlot(part.keys[0]!), part.slot);
      assert.match(part.keys[0]!, /:x:b1:\d+:0$/);
    }
    assert.equal(new Set(parts.map((p) => p.id)).size, 3);
  });

  it('splits by maxItems, cutting big ops, deterministically', () => {
    const fields = Array.from({ length: 25 }, (_, i) => String(i));
    const big: WriteBatch = { id: 'big', ops: [{ kind: 'hincr', key: 'p:{a}:m:s:1', fields, values: fields.map(() => 1) }, { kind: 'sadd', key: 'p:{a}:r', members: ['m'] }] };
    const parts = partition(big, { cluster: false, maxItems: 10, markerTtlSeconds: 60 });
    assert.deepEqual(parts.map((p) => p.items), [10, 10, 6]);
    assert.deepEqual(parts.map((p) => p.id), ['big:0:0', 'big:0:1', 'big:0:2']);
    assert.deepEqual(partition(big, { cluster: false, maxItems: 10, markerTtlSeconds: 60 }), parts, 'a retry yields the same parts');
    assert.deepEqual(parts.map((p) => p.keys.length - 1), [1, 1, 2], 'the big op in three pieces, then the set');
  });

  it('encodes hmin/hmax as hm/hM field/value pairs and splits them by maxItems', () => {
    const parts = partition(
      { id: 'b2', ops: [{ kind: 'hmin', key: 'p:{t}:t:h:1', fields: ['lo', 'a', 'b'], values: [1.5, 2, 3], expiry: { nx: 77 } }, { kind: 'hmax', key: 'p:{t}:t:h:1', fields: ['hi'], values: [9] }] },
      { cluster: false, maxItems: 2, markerTtlSeconds: 60 },
    );
    assert.deepEqual(parts.map((p) => p.args.slice(2)), [['hm', '77', '0', '2', 'lo', '1.5', 'a', '2'], ['hm', '77', '0', '1', 'b', '3', 'hM', '0', '0', '1', 'hi', '9']]);
  });
});
