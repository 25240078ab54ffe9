import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packRequests, type Piece } from '../../../../src/backends/http/packRequests.js';
import { prepareRequests } from '../../../../src/backends/http/prepareRequests.js';
import { ValidationError } from '../../../../src/errors.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';

const sizes = (requests: Piece[][]) => requests.map((r) => r.map((p) => p.index));

test('packRequests closes a request at maxCount, keeping order', () => {
  const pieces = Array.from({ length: 5 }, (_, index) => ({ index, bytes: 1 }));
  assert.deepEqual(sizes(packRequests(pieces, { maxCount: 2, maxBytes: 1000, overheadBytes: 2, separatorBytes: 1 })), [[0, 1], [2, 3], [4]]);
});

test('packRequests never passes maxBytes, envelope and separators counted', () => {
  // [a,b] with a=b=4 → 2 + 4 + 1 + 4 = 11 bytes
  const pieces = Array.from({ length: 7 }, (_, index) => ({ index, bytes: 4 }));
  const requests = packRequests(pieces, { maxCount: 100, maxBytes: 11, overheadBytes: 2, separatorBytes: 1 });
  assert.deepEqual(sizes(requests), [[0, 1], [2, 3], [4, 5], [6]]);
  const random = Array.from({ length: 500 }, (_, index) => ({ index, bytes: 1 + ((index * 7919) % 300) }));
  const packed = packRequests(random, { maxCount: 40, maxBytes: 2_000, overheadBytes: 30, separatorBytes: 1 });
  assert.deepEqual(packed.flat().map((p) => p.index), random.map((p) => p.index));
  for (const request of packed) {
    assert.ok(request.length <= 40);
    assert.ok(30 + request.reduce((sum, p) => sum + p.bytes, 0) + request.length - 1 <= 2_000);
  }
});

test('prepareRequests rejects events bigger than one event may be, and ones serialize refuses, with the reason', () => {
  const event = (id: string, size: number): TrackedEvent => ({ id, name: 'e', timestamp: new Date(0), context: {}, data: { s: 'x'.repeat(size) } });
  const events = [event('a', 10), event('b', 500), event('c', 10), event('bad', 1)];
  const batch = prepareRequests(
    events,
    (e) => {
      if (e.id === 'bad') throw new ValidationError('no-user', 'no user');
      return JSON.stringify(e.data);
    },
    { maxCount: 10, maxBytes: 1_000, overheadBytes: 2, separatorBytes: 1 },
    100,
    'Test',
  );
  assert.deepEqual(batch.requests, [[0, 2]]);
  assert.deepEqual(batch.rejected.map((f) => [f.index, f.retryable, (f.error as ValidationError).reason]), [[1, false, 'too-large'], [3, false, 'no-user']]);
  assert.match((batch.rejected[0]!.error as Error).message, /over the 100-byte limit/);
});
