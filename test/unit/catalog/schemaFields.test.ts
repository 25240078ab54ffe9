import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeType, schemaFields } from '../../../src/catalog/schemaFields.js';
import type { JsonSchema } from '../../../src/catalog/fromSchema.js';

describe('describeType', () => {
  const table: [schema: JsonSchema, text: string][] = [
    [{ type: 'string' }, 'string'],
    [{ type: 'integer' }, 'integer'],
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ type: 'string', format: 'email' }, 'string (email)'],
    [{ type: 'string', nullable: true }, 'string | null'],
    [{ enum: ['a', 'b'] }, '"a" | "b"'],
    [{ const: 3 }, '3'],
    [{ anyOf: [{ type: 'string' }, { type: 'number' }] }, 'string | number'],
    [{ type: 'array', items: { type: 'string' } }, 'string[]'],
    [{ type: 'array', items: { type: 'object' } }, 'object[]'],
    [{ type: 'array' }, 'array'],
    [{ properties: {} }, 'object'],
    [{}, 'any'],
  ];
  for (const [schema, text] of table) it(`${JSON.stringify(schema)} → ${text}`, () => assert.equal(describeType(schema), text));
});

describe('schemaFields', () => {
  it('lists nested and array fields with required flags; field docs win over schema descriptions', () => {
    const fields = schemaFields(
      {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', description: 'Schema says.' },
          address: { type: 'object', required: ['country'], properties: { country: { type: 'string', description: 'ISO code.' } } },
          items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
        },
      },
      { name: 'Docs say.', 'items[].sku': 'Stock unit.' },
    );
    assert.deepEqual(fields, [
      { path: 'name', type: 'string', required: true, description: 'Docs say.' },
      { path: 'address', type: 'object', required: false, description: '' },
      { path: 'address.country', type: 'string', required: true, description: 'ISO code.' },
      { path: 'items', type: 'object[]', required: false, description: '' },
      { path: 'items[].sku', type: 'string', required: false, description: 'Stock unit.' },
    ]);
  });

  it('returns nothing for a schema without properties', () => {
    assert.deepEqual(schemaFields({ type: 'object' }), []);
  });
});
