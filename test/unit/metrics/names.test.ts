import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAmount, checkEntity, checkMember, checkName, MAX_TIMESTAMP, nameProblem, toEpochMs } from '../../../src/metrics/names.js';

describe('names and values', () => {
  it('accepts ordinary names and says why others are refused', () => {
    for (const ok of ['signup', 'user:1234', 'a.b-c_d/e@f', 'Größe', 'with space', '#', 'x'.repeat(200)]) assert.equal(nameProblem(ok), undefined, ok);
    assert.match(nameProblem('')!, /empty/);
    assert.match(nameProblem('x'.repeat(201))!, /at most 200/);
    for (const bad of ['a{b', 'a}b', 'a*', 'a?', 'a[1]', 'a\\b', 'a\tb', 'a\u0000b', 'a\u007fb']) assert.ok(nameProblem(bad) !== undefined, JSON.stringify(bad));
    assert.match(nameProblem(5)!, /must be a string/);
    assert.throws(() => checkName('slug', 'a*'), { name: 'ValidationError', reason: 'invalid_name', message: /Invalid slug "a\*"/ });
  });

  it('entities may be finite numbers', () => {
    assert.equal(checkEntity(10938), '10938');
    assert.equal(checkEntity('user:1'), 'user:1');
    assert.throws(() => checkEntity(Number.POSITIVE_INFINITY), { name: 'ValidationError' });
    assert.throws(() => checkEntity(null), { name: 'ValidationError' });
  });

  it('amounts are finite numbers', () => {
    assert.equal(checkAmount('n', -2.5), -2.5);
    for (const bad of [Number.NaN, Infinity, '1', undefined, 1n]) assert.throws(() => checkAmount('n', bad), { name: 'ValidationError', reason: 'invalid_number' });
  });

  it('timestamps are Dates or epoch ms from 1970 to 9999', () => {
    assert.equal(toEpochMs(new Date(5)), 5);
    assert.equal(toEpochMs(0), 0);
    assert.equal(toEpochMs(MAX_TIMESTAMP), MAX_TIMESTAMP);
    for (const bad of [new Date('x'), -1, MAX_TIMESTAMP + 1, Number.NaN, '2026-01-01' as never]) {
      assert.throws(() => toEpochMs(bad), { name: 'ValidationError', reason: 'invalid_timestamp' });
    }
  });

  it('unique members are short strings or finite numbers', () => {
    assert.equal(checkMember(7), '7');
    assert.equal(checkMember(''), '');
    assert.throws(() => checkMember('x'.repeat(1025)), { name: 'ValidationError', reason: 'invalid_member' });
    assert.throws(() => checkMember({}), { name: 'ValidationError' });
  });
});
