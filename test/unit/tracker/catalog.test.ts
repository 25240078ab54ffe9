import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { EventCatalog } from '../../../src/catalog/EventCatalog.js';
import { ValidationError, type EventTrackError } from '../../../src/errors.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { Tracker } from '../../../src/tracker/Tracker.js';
import type { EventMap } from '../../../src/catalog/types.js';

const trackers: Tracker<EventMap>[] = [];
after(async () => {
  await Promise.all(trackers.map((t) => t.shutdown()));
});

const definition = {
  description: 'An address was created.',
  version: 1,
  schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
} as const;

function setup(policy: ConstructorParameters<typeof EventCatalog>[0], strict = false) {
  const memory = new MemoryBackend();
  const errors: EventTrackError[] = [];
  const tracker = createTracker({ backends: { memory }, catalog: new EventCatalog(policy), strict }).define('address.create', definition);
  tracker.on('error', (e) => errors.push(e));
  trackers.push(tracker as unknown as Tracker<EventMap>);
  return { tracker, memory, errors };
}

describe('tracker.define and the catalog policies', () => {
  test('allow: everything delivered, undefined and invalid events counted, nothing reported', async () => {
    const { tracker, memory, errors } = setup({ undefinedEvents: 'allow', invalidEvents: 'allow' });
    tracker.emit('address.create', { name: 'ok' });
    tracker.emit('address.create', { name: 5 } as never);
    tracker.emit('other', {});
    await tracker.flush();
    assert.equal(memory.events.length, 3);
    assert.deepEqual(tracker.stats().catalog, { undefined: 1, invalid: 1 });
    assert.equal(errors.length, 0);
  });

  test('warn: delivered and reported', async () => {
    const { tracker, memory, errors } = setup({ undefinedEvents: 'warn', invalidEvents: 'warn' });
    tracker.emit('address.create', {} as never);
    tracker.emit('other', {});
    await tracker.flush();
    assert.equal(memory.events.length, 2);
    assert.deepEqual(errors.map((e) => (e as ValidationError).reason), ['invalid-event', 'undefined-event']);
  });

  test('reject: dropped with the reason, counted and reported', async () => {
    const { tracker, memory, errors } = setup({ undefinedEvents: 'reject', invalidEvents: 'reject' });
    tracker.emit('address.create', { name: 'kept' });
    tracker.emit('address.create', { name: null } as never);
    tracker.emit('other', {});
    await tracker.flush();
    assert.deepEqual(memory.events.map((e) => e.data), [{ name: 'kept' }]);
    assert.deepEqual(tracker.stats().dropped, { 'invalid-event': 1, 'undefined-event': 1 });
    assert.equal(errors.length, 2);
  });

  test('strict: a rejected event throws', () => {
    const { tracker } = setup({ invalidEvents: 'reject' }, true);
    assert.throws(() => tracker.emit('address.create', {} as never), ValidationError);
  });

  test('the catalog documents what was defined', () => {
    const { tracker } = setup({});
    assert.match(tracker.catalog.toMarkdown(), /address\.create/);
    assert.ok(JSON.stringify(tracker.catalog.toJSONSchema()).includes('address.create'));
  });
});
