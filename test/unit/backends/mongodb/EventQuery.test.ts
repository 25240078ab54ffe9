import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryError } from '../../../../src/errors.js';
import { checkPath, toDate, toFilter } from '../../../../src/backends/mongodb/EventQuery.js';

function field(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof QueryError, String(error));
    return error.field;
  }
  assert.fail('expected a QueryError');
}

describe('toFilter', () => {
  test('empty query matches everything', () => {
    assert.deepEqual(toFilter({}), {});
  });

  test('name, names, and both together', () => {
    assert.deepEqual(toFilter({ name: 'a' }), { name: 'a' });
    assert.deepEqual(toFilter({ names: ['a', 'b', 'a'] }), { name: { $in: ['a', 'b'] } });
    assert.deepEqual(toFilter({ name: 'c', names: ['a'] }), { name: { $in: ['c', 'a'] } });
    assert.deepEqual(toFilter({ names: [] }), { name: { $in: [] } });
    assert.equal(field(() => toFilter({ name: '' })), 'name');
    assert.equal(field(() => toFilter({ names: ['ok', 3 as never] })), 'names[1]');
  });

  test('since is inclusive, until exclusive; dates, ISO strings and epoch ms', () => {
    const f = toFilter({ since: '2024-01-01T00:00:00Z', until: Date.UTC(2024, 1, 1) });
    assert.deepEqual(f, { timestamp: { $gte: new Date('2024-01-01T00:00:00Z'), $lt: new Date('2024-02-01T00:00:00Z') } });
    assert.equal(field(() => toFilter({ since: 'yesterday' })), 'since');
    assert.equal(field(() => toFilter({ until: new Date(NaN) })), 'until');
  });

  test('where: equality on context and data paths', () => {
    assert.deepEqual(toFilter({ where: { 'context.user_id': 10938, 'data.plan': 'pro', 'data.flag': false, 'context.x': null } }), {
      'context.user_id': 10938,
      'data.plan': 'pro',
      'data.flag': false,
      'context.x': null,
    });
  });

  test('where: operator and path injection is refused with a clear error', () => {
    assert.equal(field(() => toFilter({ where: { $where: 'sleep(1000)' } as never })), 'where["$where"]');
    assert.equal(field(() => toFilter({ where: { 'context.$gt': 1 } })), 'where["context.$gt"]');
    assert.equal(field(() => toFilter({ where: { 'context.user.$ne': 1 } })), 'where["context.user.$ne"]');
    assert.equal(field(() => toFilter({ where: { 'context..a': 1 } })), 'where["context..a"]');
    assert.equal(field(() => toFilter({ where: { 'context.': 1 } })), 'where["context."]');
    assert.equal(field(() => toFilter({ where: { name: 'x' } })), 'where["name"]');
    assert.equal(field(() => toFilter({ where: { _id: 'x' } })), 'where["_id"]');
    assert.equal(field(() => toFilter({ where: { 'context.a\u0000b': 1 } })), 'where["context.a\\u0000b"]');
    assert.equal(field(() => toFilter({ where: JSON.parse('{"__proto__": {"x": 1}}') as never })), 'where["__proto__"]');
    // Values that could carry operators
    assert.equal(field(() => toFilter({ where: { 'context.user_id': { $ne: null } as never } })), 'where["context.user_id"]');
    assert.equal(field(() => toFilter({ where: { 'context.user_id': [1] as never } })), 'where["context.user_id"]');
    assert.equal(field(() => toFilter({ where: { 'context.n': NaN } })), 'where["context.n"]');
    assert.throws(() => toFilter({ where: { 'context.$gt': 1 } }), /segment starting with "\$"/);
    assert.equal(field(() => toFilter({ where: 'context.a=1' as never })), 'where');
  });

  test('where: keys that are stored escaped are matched by their stored spelling', () => {
    assert.deepEqual(toFilter({ where: { 'data.a~b': 1, 'data.price$': 2, 'context.x.y': 3 } }), { 'data.a~tb': 1, 'data.price$': 2, 'context.x.y': 3 });
    // A key with a dot or a leading $ is named in its stored form; a raw $ stays refused.
    assert.deepEqual(toFilter({ where: { 'data.utm~dsource': 'x', 'data.~swhere.n': 1 } }), { 'data.utm~dsource': 'x', 'data.~swhere.n': 1 });
    assert.equal(field(() => toFilter({ where: { 'data.$where': 1 } })), 'where["data.$where"]');
  });

  test('where: two spellings of one stored path must both hold', () => {
    assert.deepEqual(toFilter({ where: { 'data.a~b': 1, 'data.a~tb': 2 } }), { 'data.a~tb': 1, $and: [{ 'data.a~tb': 2 }] });
  });
});

describe('checkPath and toDate', () => {
  test('name only where allowed', () => {
    assert.equal(checkPath('groupBy', 'name', true), 'name');
    assert.equal(checkPath('groupBy', 'data.a.b'), 'data.a.b');
    assert.equal(field(() => checkPath('groupBy', 'name')), 'groupBy');
    assert.equal(field(() => checkPath('groupBy', 'timestamp', true)), 'groupBy');
  });

  test('toDate copies dates', () => {
    const d = new Date(5);
    const copy = toDate('since', d);
    assert.notEqual(copy, d);
    assert.equal(copy.getTime(), 5);
  });
});
