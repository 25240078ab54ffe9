import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePath, readPath } from '../../../../src/backends/counters/path.js';
import { ConfigurationError } from '../../../../src/errors.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';

const event: TrackedEvent = {
  id: 'x',
  name: 'order.paid',
  timestamp: new Date(0),
  context: { user_id: 42, org: { id: 'o-1' }, nil: null },
  data: { amount: 12.5, items: [{ sku: 'a' }, { sku: 'b' }], 'dotted.key': 1 },
};

test('compilePath accepts context./data. paths and splits them', () => {
  assert.deepEqual(compilePath('p', 'context.user_id'), { source: 'context.user_id', root: 'context', keys: ['user_id'] });
  assert.deepEqual(compilePath('p', 'data.items.1.sku').keys, ['items', '1', 'sku']);
});

test('compilePath rejects other roots, empty segments and non-strings, naming the option', () => {
  for (const bad of ['user_id', 'context', 'context.', 'data..x', 'event.name', '', 42]) {
    assert.throws(() => compilePath('rules[0].entity', bad), (error: unknown) => error instanceof ConfigurationError && error.option === 'rules[0].entity', String(bad));
  }
});

test('readPath reads nested values, array indices and nulls; missing segments give undefined', () => {
  assert.equal(readPath(event, compilePath('p', 'context.user_id')), 42);
  assert.equal(readPath(event, compilePath('p', 'context.org.id')), 'o-1');
  assert.equal(readPath(event, compilePath('p', 'data.items.1.sku')), 'b');
  assert.equal(readPath(event, compilePath('p', 'data.items.length')), 2);
  assert.equal(readPath(event, compilePath('p', 'context.nil')), null);
  assert.equal(readPath(event, compilePath('p', 'data.items.7.sku')), undefined);
  assert.equal(readPath(event, compilePath('p', 'data.amount.x')), undefined);
  assert.equal(readPath(event, compilePath('p', 'context.nil.x')), undefined);
  assert.equal(readPath(event, compilePath('p', 'data.dotted.key')), undefined);
});

test('readPath never reads inherited properties', () => {
  assert.equal(readPath(event, compilePath('p', 'data.constructor')), undefined);
  assert.equal(readPath(event, compilePath('p', 'context.toString')), undefined);
  assert.equal(readPath(event, compilePath('p', 'data.__proto__')), undefined);
});
