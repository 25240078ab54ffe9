// Events to MongoDB documents and back: escaped keys round-trip through real
// BSON, values MongoDB cannot hold fail their own event only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BSON } from 'mongodb';
import { EventTrackError } from '../../../../src/errors.js';
import type { JsonObject, TrackedEvent } from '../../../../src/event/TrackedEvent.js';
import { type EventDocument, fromDocument, toDocument, toDocuments } from '../../../../src/backends/mongodb/toDocument.js';
import { MAX_STORED_DEPTH } from '../../../../src/backends/mongodb/storedValue.js';

const HOSTILE_KEYS = ['$where', 'a.b', '.', '$', '~', '~d', '~s', '~t', '~0', 'a~b', '$.~', 'a\0b', '__proto__', '', 'ü', '😀.x', '\uFF04where', 'constructor', 'a$b', '$gt'];

function event(data: unknown, context: unknown = { user_id: 1 }, i = 0): TrackedEvent {
  return { id: `id-${i}`, name: 'ev', timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)), context: context as JsonObject, data: data as JsonObject };
}

/** An object with `key` as an own property, `__proto__` included. */
function withKey(key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** What a server gives back: the document through BSON and back. */
function throughBson(doc: EventDocument): EventDocument {
  return BSON.deserialize(BSON.serialize(doc)) as EventDocument;
}

/** True when no key of `value`, at any depth, is one MongoDB refuses. */
function storable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.entries(value).every(([k, v]) => !k.startsWith('$') && !k.includes('.') && !k.includes('\0') && storable(v));
}

describe('toDocument / fromDocument', () => {
  for (const key of HOSTILE_KEYS) {
    test(`key ${JSON.stringify(key)} at the top, nested, in arrays and in the context reads back identical`, () => {
      const data = { ...withKey(key, 1), nested: withKey(key, { deeper: withKey(key, 'x') }), list: [withKey(key, [withKey(key, null)])], plain: 'p' };
      const context = withKey(key, { id: 7 });
      const doc = toDocument(event(data, context));
      assert.ok(storable(doc.data) && storable(doc.context), 'stored keys are ones MongoDB accepts');
      assert.doesNotThrow(() => BSON.serialize(doc));
      const back = fromDocument(throughBson(doc));
      assert.deepStrictEqual(back.data, data);
      assert.deepStrictEqual(back.context, context);
      assert.deepStrictEqual(Object.keys(back.data), Object.keys(data), 'key order kept');
    });
  }

  test('all hostile keys in one object, and a __proto__ key never becomes a prototype', () => {
    const data: Record<string, unknown> = {};
    HOSTILE_KEYS.forEach((key, i) => Object.defineProperty(data, key, { value: i, enumerable: true, writable: true, configurable: true }));
    const back = fromDocument(throughBson(toDocument(event(data))));
    assert.deepStrictEqual(back.data, data);
    assert.equal(Object.getPrototypeOf(back.data), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
  });

  test('data without keys to escape is shared, not copied', () => {
    const data = { a: { b: [1, { c: 'x' }] }, 'a$b': true };
    const doc = toDocument(event(data));
    assert.equal(doc.data, data);
    assert.equal(fromDocument(doc).data, data);
  });

  test('escaping copies only the objects on the way to an escaped key; the event is not changed', () => {
    const untouched = { z: 1 };
    const data = { keep: untouched, deep: { 'a.b': 1 } };
    const doc = toDocument(event(data));
    assert.deepStrictEqual(doc.data, { keep: { z: 1 }, deep: { 'a~db': 1 } });
    assert.equal(doc.data['keep'], untouched);
    assert.deepStrictEqual(data, { keep: { z: 1 }, deep: { 'a.b': 1 } });
  });

  test('undefined: key left out, null inside arrays (as JSON); a missing data or context is {}', () => {
    const doc = toDocument(event({ u: undefined, a: [undefined, 1], k: 2 }));
    assert.deepStrictEqual(doc.data, { a: [null, 1], k: 2 });
    const bare = toDocument({ ...event({}), data: undefined, context: undefined } as unknown as TrackedEvent);
    assert.deepStrictEqual([bare.data, bare.context], [{}, {}]);
  });

  test('Dates are kept (BSON dates read back as Dates)', () => {
    const at = new Date(Date.UTC(2024, 1, 2));
    assert.deepStrictEqual(fromDocument(throughBson(toDocument(event({ at })))).data, { at });
  });
});

describe('toDocument refuses what cannot be stored and read back', () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle['self'] = cycle;
  const arrayCycle: unknown[] = [];
  arrayCycle.push({ back: arrayCycle });
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < MAX_STORED_DEPTH + 5; i++) deep = { d: deep };
  class Point {
    x = 1;
  }
  const cases: [string, unknown, RegExp][] = [
    ['a cycle', { c: cycle }, /data\.c\.self refers back.*cycle/],
    ['a cycle through an array', { l: arrayCycle }, /data\.l\.0\.back refers back/],
    ['a BigInt', { n: 10n }, /data\.n is a bigint/],
    ['a function', { f: () => 1 }, /data\.f is a function/],
    ['a symbol', { s: Symbol('x') }, /data\.s is a symbol/],
    ['NaN', { x: { y: NaN } }, /data\.x\.y is NaN/],
    ['Infinity in an array', { l: [1, Infinity] }, /data\.l\.1 is Infinity/],
    ['a Map', { m: new Map([[1, 2]]) }, /data\.m is a Map/],
    ['a Buffer', { b: Buffer.from('x') }, /data\.b is a Buffer/],
    ['a class instance', { p: new Point() }, /data\.p is a Point/],
    ['an invalid Date', { d: new Date(NaN) }, /data\.d is an invalid Date/],
    ['nesting deeper than MongoDB allows', deep, /nested deeper than 98/],
    ['data that is not an object', 'text', /data is string, not an object/],
    ['data that is an array', [1], /data is an array/],
  ];
  for (const [what, data, message] of cases) {
    test(what, () => {
      assert.throws(() => toDocument(event(data)), (error: unknown) => {
        assert.ok(error instanceof EventTrackError);
        assert.equal(error.code, 'ERR_EVENTTRACK_MONGODB_INVALID_DOCUMENT');
        assert.match(error.message, /MongoDB cannot store event id-0 \("ev"\)/);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  test('a throwing getter, and a bad value in the context', () => {
    const data = Object.defineProperty({}, 'g', { enumerable: true, get: () => { throw new Error('boom'); } });
    assert.throws(() => toDocument(event(data)), (e: unknown) => e instanceof EventTrackError && /could not be read: boom/.test(e.message) && (e.cause as Error).message === 'boom');
    assert.throws(() => toDocument({ ...event({}), name: 7 as never }), /name is a number, not a string/);
    assert.throws(() => toDocument(event({}, { big: 1n })), /context\.big is a bigint/);
  });

  test('the same object twice (not a cycle) is fine', () => {
    const shared = { v: 1 };
    assert.deepStrictEqual(toDocument(event({ a: shared, b: [shared, shared] })).data, { a: { v: 1 }, b: [{ v: 1 }, { v: 1 }] });
  });
});

describe('toDocuments', () => {
  test('one unstorable event in ten fails alone, not retryable; the nine others are kept with their batch index', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const events = Array.from({ length: 10 }, (_, i) => event(i === 4 ? { cycle } : { 'k.$': i }, { user_id: i }, i));
    const { docs, batchIndex, failures } = toDocuments(events);
    assert.equal(docs.length, 9);
    assert.deepStrictEqual(batchIndex, [0, 1, 2, 3, 5, 6, 7, 8, 9]);
    assert.deepStrictEqual(docs.map((d) => d._id), batchIndex.map((i) => `id-${i}`));
    assert.deepStrictEqual(docs[4]!.data, { 'k~d$': 5 });
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.index, 4);
    assert.equal(failures[0]!.retryable, false);
    assert.match(String((failures[0]!.error as Error).message), /data\.cycle\.self refers back/);
  });
});
