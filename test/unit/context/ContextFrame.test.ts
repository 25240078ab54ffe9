import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFrame, mergeContext } from '../../../src/context/ContextFrame.js';
import type { JsonObject } from '../../../src/event/TrackedEvent.js';

test('mergeContext: inner wins, plain objects merge deeply, arrays and scalars replace, untouched subtrees are shared', () => {
  const keep = Object.freeze({ s: 1 });
  const base: JsonObject = Object.freeze({ a: 1, o: Object.freeze({ x: 1, deep: Object.freeze({ k: 'v' }) }), list: Object.freeze([1, 2]) as number[], keep });
  const merged = mergeContext(base, { a: 2, o: { y: 2, deep: { j: 'w' } }, list: [3] });
  assert.deepEqual(merged, { a: 2, o: { x: 1, y: 2, deep: { k: 'v', j: 'w' } }, list: [3], keep: { s: 1 } });
  assert.equal(merged['keep'], keep);
  assert.ok(Object.isFrozen(merged) && Object.isFrozen(merged['o']) && Object.isFrozen(merged['list']));
});

test('createFrame chains frames, merges once, and bounds the merged JSON size from above', () => {
  const outerOwn = { user_id: 1, org: { id: 'o' } };
  const innerOwn = { org: { name: 'n' } };
  const outer = createFrame('outer', outerOwn, JSON.stringify(outerOwn).length, undefined);
  const inner = createFrame('inner', innerOwn, JSON.stringify(innerOwn).length, outer);
  assert.equal(inner.parent, outer);
  assert.equal(outer.merged, outerOwn, 'the outermost frame shares its own object');
  assert.deepEqual(inner.merged, { user_id: 1, org: { id: 'o', name: 'n' } });
  assert.equal(outer.size, JSON.stringify(outer.merged).length);
  assert.ok(inner.size >= JSON.stringify(inner.merged).length);
  assert.ok(Object.isFrozen(inner.merged) && Object.isFrozen(outerOwn.org));
});

test('mergeContext keeps own __proto__ keys as data on both sides, never as prototypes', () => {
  const base = JSON.parse('{"__proto__": {"a": 1}, "x": 1}') as JsonObject;
  const top = JSON.parse('{"__proto__": {"b": 2}, "toString": {"c": 3}}') as JsonObject;
  const merged = mergeContext(base, top);
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  assert.deepEqual(Object.keys(merged).sort(), ['__proto__', 'toString', 'x']);
  assert.deepEqual(JSON.parse(JSON.stringify(merged)), JSON.parse('{"__proto__": {"a": 1, "b": 2}, "x": 1, "toString": {"c": 3}}'));
});
