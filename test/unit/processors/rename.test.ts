import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/event/TrackedEvent.js';
import { rename } from '../../../src/processors/rename.js';
import { makeEvent } from './fixtures.js';

describe('rename', () => {
  const table: [title: string, mapping: Record<string, string>, input: { data?: JsonObject; context?: JsonObject }, expected: { data: JsonObject; context: JsonObject }][] = [
    ['a data field', { 'data.url': 'data.page' }, { data: { url: 'u', a: 1 } }, { data: { a: 1, page: 'u' }, context: {} }],
    ['a context field', { 'context.user_id': 'context.username' }, { context: { user_id: 7 } }, { data: {}, context: { username: 7 } }],
    ['from context to data', { 'context.ip': 'data.client.ip' }, { context: { ip: '::1', x: 1 } }, { data: { client: { ip: '::1' } }, context: { x: 1 } }],
    ['top level, across sections', { 'context.ip': 'data.ip', 'data.x': 'context.x' }, { data: { x: 1, k: 2 }, context: { ip: '::1', c: 3 } }, { data: { k: 2, ip: '::1' }, context: { c: 3, x: 1 } }],
    ['nested source, nested target', { 'data.a.b': 'data.c.d' }, { data: { a: { b: 1, k: 2 } } }, { data: { a: { k: 2 }, c: { d: 1 } }, context: {} }],
    ['a swap', { 'data.a': 'data.b', 'data.b': 'data.a' }, { data: { a: 1, b: 2 } }, { data: { a: 2, b: 1 } , context: {} }],
    ['overwrites an existing target', { 'data.a': 'data.b' }, { data: { a: 1, b: 2 } }, { data: { b: 1 }, context: {} }],
    ['skips a missing source', { 'data.a': 'data.b', 'data.x': 'data.y' }, { data: { a: null } }, { data: { b: null }, context: {} }],
  ];
  for (const [title, mapping, input, expected] of table) {
    it(title, () => {
      const event = makeEvent(input);
      const result = rename(mapping)(event);
      assert.ok(result);
      assert.deepEqual({ data: result.data, context: result.context }, expected);
      assert.equal(result.id, event.id);
    });
  }

  it('passes an event without any source on unchanged', () => {
    assert.equal(rename({ 'data.a': 'data.b' })(makeEvent({ data: { z: 1 } })), undefined);
  });

  const bad: [mapping: unknown, option: string][] = [
    [{}, 'mapping'],
    [null, 'mapping'],
    [{ url: 'data.page' }, 'mapping["url"] (source)'],
    [{ 'data.url': 'page' }, 'mapping["data.url"]'],
  ];
  for (const [mapping, option] of bad) {
    it(`rejects ${JSON.stringify(mapping)}`, () => {
      assert.throws(
        () => rename(mapping as Record<string, string>),
        (error: unknown) => error instanceof ConfigurationError && error.option === option,
      );
    });
  }
});
