// emit's `id` option: a caller's UUID becomes the event id (idempotent retries
// through the service); anything else is rejected as `invalid-id`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { ValidationError } from '../../../src/errors.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { DropNotice } from '../../../src/tracker/TrackerEvents.js';

test('emit keeps a UUID given as `id` (lower-cased) and rejects anything else as invalid-id', async () => {
  const memory = new MemoryBackend();
  const tracker = createTracker({ backends: { memory }, flushOnExit: false });
  const drops: DropNotice[] = [];
  tracker.on('drop', (notice) => drops.push(notice));
  tracker.emit('a', {}, { id: '0190B4A2-7C3E-4000-8000-000000000001' });
  tracker.emit('b', {}, { id: 'not-a-uuid' });
  tracker.emit('c', {}, { id: 42 as unknown as string });
  tracker.emit('d', {});
  await tracker.shutdown();
  assert.deepEqual(memory.events.map((e) => e.name), ['a', 'd']);
  assert.equal(memory.events[0]!.id, '0190b4a2-7c3e-4000-8000-000000000001');
  assert.notEqual(memory.events[1]!.id, memory.events[0]!.id);
  assert.deepEqual(drops.map((d) => d.reason), ['invalid-id', 'invalid-id']);
  assert.equal(tracker.stats().dropped['invalid-id'], 2);
});

test('strict: a bad `id` throws a ValidationError', async () => {
  const tracker = createTracker({ strict: true, flushOnExit: false });
  assert.throws(() => tracker.emit('a', {}, { id: 'x' }), (error: unknown) => error instanceof ValidationError && error.reason === 'invalid-id');
  await tracker.shutdown();
});
