import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePath, readPath } from '../../../src/backends/counters/path.js';
import { getField, getIn, parseFieldPath } from '../../../src/processors/paths.js';
import { redact } from '../../../src/processors/redact.js';
import { sample } from '../../../src/processors/sample.js';
import { makeEvent } from './fixtures.js';

const event = makeEvent({
  data: { items: [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }], n: 0, nested: { list: [] } },
  context: JSON.parse('{ "user": { "id": 7 }, "__proto__": "own" }'),
});

describe('one path reader', () => {
  it('arrays: an index as written, or length; objects: own properties only', () => {
    const data = event.data;
    assert.equal(getIn(data, ['items', 'length']), 3);
    assert.equal(getIn(data, ['items', '1', 'sku']), 'b');
    for (const key of ['01', ' 1', '1.0', '-1', '1e0', '', 'push']) assert.equal(getIn(data, ['items', key]), undefined, key);
    assert.equal(getIn(data, ['nested', 'constructor']), undefined);
    assert.equal(getIn(data, ['n', 'toString']), undefined);
    assert.equal(getIn(data, ['nested', 'list', 'length']), 0);
  });

  it('counter rules, sample keys, rename and redact read the same paths the same way', () => {
    const paths = ['data.items.length', 'data.items.0.sku', 'data.items.01', 'data.nested.list.length', 'context.user.id', 'context.__proto__', 'data.n.toString', 'data.missing.x'];
    for (const path of paths) {
      assert.deepEqual(readPath(event, compilePath('p', path)), getField(event, parseFieldPath(path, 'p')), path);
    }
  });

  it('sample reads data.items.length as a counter rule does (it read as missing before)', () => {
    const sampler = sample(0.999_999, { key: 'data.items.length', whenMissing: 'drop' });
    assert.notEqual(sampler(event), null, 'the key is present: kept at this rate');
  });

  it('redact addresses array elements by index as written only', () => {
    const redacted = redact(['data.items.1.sku'])(event)!;
    assert.deepEqual(redacted.data['items'], [{ sku: 'a' }, { sku: '[REDACTED]' }, { sku: 'c' }]);
    assert.equal(redact(['data.items.01.sku', 'data.items. 2.sku'])(event), undefined, '01 and " 2" name no element, as getIn reads them');
  });
});
