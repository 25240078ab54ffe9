import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCatalog } from '../../../src/catalog/EventCatalog.js';
import { createAjv } from '../../../src/catalog/loadAjv.js';

const event = (name: string, data: object) => ({
  id: '01900000-0000-7000-8000-000000000001',
  name,
  timestamp: '2024-05-06T07:08:09.123Z',
  context: { user_id: 1 },
  data,
});

describe('catalog.toJSONSchema', () => {
  const catalog = new EventCatalog()
    .define('address.create', {
      description: 'An address was created.',
      version: 2,
      schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    })
    .define('cart.update', {
      description: 'The cart changed.',
      version: 1,
      deprecated: 'use cart.change',
      // A local reference: it must still resolve once embedded in the catalog document.
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { count: { $ref: '#/definitions/count' } },
        definitions: { count: { type: 'integer', minimum: 0 } },
      },
    });
  const document = catalog.toJSONSchema();

  it('is JSON and compiles with Ajv', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(document)), document);
    assert.doesNotThrow(() => createAjv(true).compile(document));
  });

  it('validates delivered events: right data passes, wrong data and unknown names fail', () => {
    const validate = createAjv(true).compile(document);
    const cases: [object, boolean][] = [
      [event('address.create', { name: 'home' }), true],
      [event('address.create', { name: 1 }), false],
      [event('address.create', {}), false],
      [event('cart.update', { count: 2 }), true],
      [event('cart.update', { count: -1 }), false],
      [event('unknown', {}), false],
      [{ ...event('address.create', { name: 'x' }), timestamp: 'yesterday' }, false],
    ];
    for (const [value, expected] of cases) assert.equal(validate(value), expected, JSON.stringify(value));
  });

  it('carries the metadata on each branch', () => {
    const branches = document['oneOf'] as { title: string; description: string; $comment: string; deprecated?: boolean }[];
    assert.deepEqual(
      branches.map((b) => [b.title, b.description, b.$comment, b.deprecated ?? false]),
      [
        ['address.create', 'An address was created.', 'version 2', false],
        ['cart.update', 'The cart changed.', 'version 1; deprecated: use cart.change', true],
      ],
    );
    assert.equal(document['title'], 'Event catalog');
    assert.equal(catalog.toJSONSchema({ title: 'Shop' })['title'], 'Shop');
  });

  it('documents the envelope only for an empty catalog', () => {
    const empty = new EventCatalog().toJSONSchema();
    assert.equal(empty['oneOf'], undefined);
    assert.equal(createAjv(true).compile(empty)(event('anything', {})), true);
  });
});
