import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/event/TrackedEvent.js';
import { enrich, type Enrichment, type EnrichOptions } from '../../../src/processors/enrich.js';
import { makeEvent } from './fixtures.js';

describe('enrich', () => {
  const table: [title: string, source: Enrichment, options: EnrichOptions, input: { data?: JsonObject; context?: JsonObject }, expected: { data: JsonObject; context: JsonObject }][] = [
    ['adds to context', { context: { service: 'api' } }, {}, { context: { user: 1 } }, { data: {}, context: { user: 1, service: 'api' } }],
    ['adds to data', { data: { v: 2 } }, {}, { data: { a: 1 } }, { data: { a: 1, v: 2 }, context: {} }],
    ['keeps existing values by default', { context: { service: 'api', region: 'eu' } }, {}, { context: { service: 'web' } }, { data: {}, context: { service: 'web', region: 'eu' } }],
    ['overwrite: true replaces them', { context: { service: 'api' } }, { overwrite: true }, { context: { service: 'web', x: 1 } }, { data: {}, context: { service: 'api', x: 1 } }],
  ];
  for (const [title, source, options, input, expected] of table) {
    it(title, () => {
      const result = enrich(source, options)(makeEvent(input))!;
      assert.deepEqual({ data: result.data, context: result.context }, expected);
    });
  }

  it('computes fields from the event with a function', () => {
    const result = enrich((e) => ({ data: { name_length: e.name.length } }))(makeEvent({ name: 'abc' }))!;
    assert.deepEqual(result.data, { name_length: 3 });
  });

  it('passes the event on unchanged when nothing is added', () => {
    const event = makeEvent({ context: { service: 'web' } });
    assert.equal(enrich(() => undefined)(event), undefined);
    assert.equal(enrich({ context: { service: 'api' } })(event), undefined);
    assert.equal(enrich({ context: { service: 'web' } }, { overwrite: true })(event), undefined);
  });

  it('copies a constant source, so later changes to it do not leak into events', () => {
    const source = { context: { tags: ['a'] as string[] } };
    const processor = enrich(source);
    source.context.tags.push('b');
    assert.deepEqual(processor(makeEvent())!.context, { tags: ['a'] });
  });

  it('rejects a source that is neither an object nor a function', () => {
    assert.throws(() => enrich(42 as never), (e: unknown) => e instanceof ConfigurationError && e.option === 'source');
  });
});
