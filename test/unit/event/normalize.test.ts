import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import { flatJsonSize, MAX_DEPTH, Normalizer } from '../../../src/event/normalize.js';

class WithToJSON {
  constructor(private readonly v: number) {}
  toJSON(): unknown {
    return { wrapped: this.v };
  }
}
class Plain {
  a = 1;
  b = 'two';
}
const circular: Record<string, unknown> = { a: 1 };
circular['self'] = circular;
const error = Object.assign(new Error('boom', { cause: new Error('root') }), { code: 'E_BOOM' });
const sym = Symbol('tag');

// [rule, input value, expected recorded value (undefined = key omitted), converted?]
const rules: Array<[string, unknown, unknown, boolean]> = [
  ['string', 'x', 'x', false],
  ['finite number', 1.5, 1.5, false],
  ['boolean', true, true, false],
  ['null', null, null, false],
  ['NaN → null', NaN, null, true],
  ['Infinity → null', Infinity, null, true],
  ['-Infinity → null', -Infinity, null, true],
  ['undefined → omitted', undefined, undefined, false],
  ['function → omitted', () => 1, undefined, true],
  ['symbol → description', sym, 'Symbol(tag)', true],
  ['BigInt → decimal string', 12345678901234567890n, '12345678901234567890', true],
  ['Date → ISO string', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), '2026-01-02T03:04:05.006Z', true],
  ['invalid Date → null', new Date(NaN), null, true],
  ['RegExp → source', /ab+c/i, '/ab+c/i', true],
  ['Map → object', new Map<unknown, unknown>([['k', 1], [2, 'two']]), { k: 1, '2': 'two' }, true],
  ['Set → array', new Set([1, 'a']), [1, 'a'], true],
  ['Buffer → base64', Buffer.from('hello'), 'aGVsbG8=', true],
  ['Uint8Array → base64', new Uint8Array([1, 2, 3]), 'AQID', true],
  ['ArrayBuffer → base64', new Uint8Array([255]).buffer, '/w==', true],
  ['Float64Array → numbers', new Float64Array([1.5, 2]), [1.5, 2], true],
  ['BigInt64Array → strings', new BigInt64Array([5n]), ['5'], true],
  ['toJSON() → its result', new WithToJSON(7), { wrapped: 7 }, false],
  ['throwing toJSON → marker', { toJSON: () => { throw new Error('nope'); } }, '[Unserializable: nope]', true],
  ['throwing getter → marker', { get bad(): never { throw new Error('getter'); } }, '[Unserializable: getter]', true],
  ['throwing a null-prototype object → marker', { toJSON: () => { throw Object.create(null); } }, '[Unserializable: a thrown object that cannot be printed]', true],
  ['boxed String → primitive', new String('s'), 's', false],
  ['boxed Number → primitive', new Number(3), 3, false],
  ['class instance → own enumerable keys', new Plain(), { a: 1, b: 'two' }, false],
  ['circular → marker', circular, { a: 1, self: '[Circular]' }, true],
  ['array with undefined → null', [1, undefined, 'x'], [1, null, 'x'], false],
  ['array with function → null', [() => 1], [null], true],
  ['nested plain objects copied', { a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } }, false],
];

describe('Normalizer rules', () => {
  for (const [rule, input, expected, converted] of rules) {
    test(rule, () => {
      const n = new Normalizer(false);
      const out = n.object({ v: input });
      if (expected === undefined) assert.equal('v' in out, false);
      else assert.deepEqual(out['v'], expected);
      assert.equal(n.conversions > 0, converted, `conversions=${n.conversions}`);
      // What is recorded is JSON: it survives a round trip unchanged.
      assert.deepEqual(JSON.parse(JSON.stringify(out)), out);
    });
  }

  test('Error → { name, message, stack, code, cause }', () => {
    const out = new Normalizer(false).object({ e: error })['e'] as Record<string, unknown>;
    assert.equal(out['name'], 'Error');
    assert.equal(out['message'], 'boom');
    assert.equal(out['code'], 'E_BOOM');
    assert.match(String(out['stack']), /boom/);
    assert.equal((out['cause'] as Record<string, unknown>)['message'], 'root');
  });

  test(`nesting deeper than ${MAX_DEPTH} is truncated`, () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = { d: deep };
    let out = new Normalizer(false).object(deep) as Record<string, unknown>;
    let depth = 0;
    while (typeof out['d'] === 'object') {
      out = out['d'] as Record<string, unknown>;
      depth++;
    }
    assert.equal(out['d'], '[Truncated]');
    assert.equal(depth, MAX_DEPTH - 1);
  });

  test('a shared (non-circular) object is copied twice, not marked circular', () => {
    const shared = { x: 1 };
    assert.deepEqual(new Normalizer(false).object({ a: shared, b: shared }), { a: { x: 1 }, b: { x: 1 } });
  });

  test('the copy is independent of the input', () => {
    const input = { a: { b: 1 }, list: [1, 2] };
    const out = new Normalizer(false).object(input);
    input.a.b = 2;
    input.list.push(3);
    assert.deepEqual(out, { a: { b: 1 }, list: [1, 2] });
  });

  test('own __proto__ keys stay data, never prototypes', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as object;
    const out = new Normalizer(false).object(input);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'ok']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  test('copies made for freezing hold the same JSON, own __proto__ keys included', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1, "nested": {"d": [1, {"e": null}]}}') as object;
    const normalizer = new Normalizer(false);
    const plain = normalizer.object(input);
    const plainSize = normalizer.size;
    const forFreezing = normalizer.object(input, true);
    assert.deepEqual(forFreezing, plain);
    assert.equal(normalizer.size, plainSize);
    assert.deepEqual(Object.keys(forFreezing).sort(), ['__proto__', 'nested', 'ok']);
    assert.equal(Object.getPrototypeOf(forFreezing), Object.prototype);
    assert.notEqual(forFreezing['nested'], (input as Record<string, unknown>)['nested']);
  });

  test('non-object data is wrapped as { value }', () => {
    assert.deepEqual(new Normalizer(false).object('text'), { value: 'text' });
    assert.deepEqual(new Normalizer(false).object([1, 2]), { value: [1, 2] });
    assert.deepEqual(new Normalizer(false).object(undefined), {});
    assert.deepEqual(new Normalizer(false).object(null), {});
  });

  test('a revoked Proxy is recorded as a marker, not thrown', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const n = new Normalizer(false);
    assert.match(String(n.object({ p: proxy })['p']), /^\[Unserializable: .*revoked/);
    assert.match(String(n.object(proxy)['value']), /^\[Unserializable: .*revoked/);
  });

  test('data that throws when read at the top level is recorded as a marker, not thrown', () => {
    const n = new Normalizer(false);
    assert.deepEqual(n.object({ ok: 1, get bad(): never { throw new Error('top'); } }), { value: '[Unserializable: top]' });
    assert.equal(n.conversions, 1);
  });

  test('size tracks the JSON length closely', () => {
    const input = { url: '/a/b/c', n: 123456.5, ok: true, list: ['x', 'yy', null], nested: { k: 'v' } };
    const n = new Normalizer(false);
    n.object(input);
    const actual = JSON.stringify(input).length;
    assert.ok(Math.abs(n.size - actual) <= 8, `estimated ${n.size}, actual ${actual}`);
  });
});

describe('Normalizer strict', () => {
  test('throws a ValidationError naming the path of a non-JSON value', () => {
    const n = new Normalizer(true);
    assert.throws(
      () => n.object({ user: { id: 1n } }),
      (error: unknown) => error instanceof ValidationError && error.path === 'user.id' && error.reason === 'non-json-value',
    );
  });

  test('the path of one error does not leak into the next', () => {
    const n = new Normalizer(true);
    assert.throws(() => n.object({ a: { b: 1n } }), (error: unknown) => error instanceof ValidationError && error.path === 'a.b');
    assert.throws(() => n.object({ c: 1n }), (error: unknown) => error instanceof ValidationError && error.path === 'c');
  });

  test('a value that throws when read is a conversion, so strict throws a ValidationError', () => {
    assert.throws(
      () => new Normalizer(true).object({ a: { get bad(): never { throw new Error('getter'); } } }),
      (error: unknown) => error instanceof ValidationError && error.path === 'a',
    );
  });

  test('accepts plain JSON and omits undefined properties without throwing', () => {
    assert.deepEqual(new Normalizer(true).object({ a: 1, b: undefined, c: [true, null] }), { a: 1, c: [true, null] });
  });
});

describe('flatJsonSize', () => {
  test('the JSON size of a frozen object of strings and finite numbers', () => {
    const flat = Object.freeze({ method: 'GET', path: '/é', n: 42, big: 1234567, neg: -1.5 });
    const size = flatJsonSize(flat)!;
    const json = JSON.stringify(flat).length;
    assert.ok(size >= json && size <= json + 8, `${size} vs ${json}`);
    assert.equal(flatJsonSize(Object.freeze({})), 2);
  });

  test('undefined for anything that is not frozen flat JSON', () => {
    assert.equal(flatJsonSize({ a: 'x' }), undefined);
    assert.equal(flatJsonSize(Object.freeze({ a: Object.freeze({}) })), undefined);
    assert.equal(flatJsonSize(Object.freeze({ a: Number.NaN })), undefined);
    assert.equal(flatJsonSize(Object.freeze({ a: true })), undefined);
    assert.equal(flatJsonSize(Object.freeze({ a: undefined })), undefined);
    assert.equal(flatJsonSize(Object.freeze(Object.assign(Object.create(null) as object, { a: 'x' }))), undefined);
    assert.equal(flatJsonSize(Object.freeze(['a'])), undefined);
  });
});

describe('Normalizer limit', () => {
  test('stops at the limit: oversized, an empty result, and no item of a big Map, Set, typed array or buffer read', () => {
    let iterated = 0;
    class CountingMap<K, V> extends Map<K, V> {
      override *[Symbol.iterator](): MapIterator<[K, V]> {
        for (const entry of super.entries()) {
          iterated++;
          yield entry;
        }
      }
    }
    const big = new CountingMap<number, number>(Array.from({ length: 5000 }, (_, i) => [i, i]));
    const inputs: unknown[] = [big, new Set(Array.from({ length: 5000 }, (_, i) => i)), new Float64Array(1e6), Buffer.alloc(1e6), 'x'.repeat(2000), { a: 'x'.repeat(600), b: 'y'.repeat(600) }];
    for (const input of inputs) {
      const n = new Normalizer(false);
      const out = n.object({ v: input }, true, 1000);
      assert.equal(n.oversized, true);
      assert.ok(n.size > 1000);
      assert.deepEqual(out, {});
    }
    assert.equal(iterated, 0);
  });

  test('omitted keys count as work: 10 000 undefined values pass a limit of 1 000 only by being stopped', () => {
    const n = new Normalizer(false);
    const input = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, undefined]));
    n.object(input, false, 1000);
    assert.equal(n.oversized, true);
  });

  test('under the limit nothing changes, and with freeze every object and array is frozen', () => {
    const n = new Normalizer(false);
    const out = n.object({ a: [1, { b: 'c' }], d: new Map([['e', 1]]) }, true, 1000);
    assert.equal(n.oversized, false);
    assert.deepEqual(out, { a: [1, { b: 'c' }], d: { e: 1 } });
    assert.ok(Object.isFrozen(out) && Object.isFrozen(out['a']) && Object.isFrozen((out['a'] as unknown[])[1]) && Object.isFrozen(out['d']));
  });

  test('a getter is read once: the size checked is the size copied', () => {
    let reads = 0;
    const input = {
      get v(): string {
        reads++;
        return reads === 1 ? 'small' : 'x'.repeat(5000);
      },
    };
    const n = new Normalizer(false);
    assert.deepEqual(n.object(input, false, 1000), { v: 'small' });
    assert.equal(reads, 1);
  });

  test('an own __proto__ key stays data (a Map key too)', () => {
    const out = new Normalizer(false).object({ m: new Map([['__proto__', { polluted: true }]]) }, true);
    const m = out['m'] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.deepEqual(Object.keys(m), ['__proto__']);
  });
});
