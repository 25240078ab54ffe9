import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBackend } from '../../../../src/backends/memory/MemoryBackend.js';
import { ConfigurationError } from '../../../../src/errors.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';

const e = (name: string): TrackedEvent => ({ id: name, name, timestamp: new Date(0), context: {}, data: {} });

test('MemoryBackend keeps events in order, filters by name, clears, and honours limit', () => {
  const memory = new MemoryBackend({ limit: 3 });
  memory.send([e('a'), e('b')]);
  memory.send([e('a'), e('c')]);
  assert.deepEqual(memory.events.map((x) => x.name), ['b', 'a', 'c']);
  assert.equal(memory.evicted, 1);
  assert.equal(memory.batches, 2);
  assert.deepEqual(memory.named('a').length, 1);
  memory.clear();
  assert.equal(memory.events.length, 0);
});

test('a bad limit is a ConfigurationError naming it', () => {
  for (const limit of [-1, 1.5, Number.NaN]) {
    assert.throws(() => new MemoryBackend({ limit }), (error: unknown) => error instanceof ConfigurationError && error.option === 'limit');
  }
  assert.equal(new MemoryBackend({ limit: 0 }).evicted, 0);
});
