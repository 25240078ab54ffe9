// The key escaping rule of the MongoDB store: which keys change, and that it reverses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeKey, escapeKey, storedPath } from '../../../../src/backends/mongodb/fieldNames.js';

/** Hostile and ordinary keys, and how each is stored. */
const TABLE: [string, string][] = [
  ['$where', '~swhere'],
  ['$', '~s'],
  ['$$', '~s$'],
  ['a$b', 'a$b'],
  ['a.b', 'a~db'],
  ['.', '~d'],
  ['..$', '~d~d$'],
  ['~', '~t'],
  ['~d', '~td'],
  ['~s', '~ts'],
  ['a~b', 'a~tb'],
  ['$.~', '~s~d~t'],
  ['a\0b', 'a~0b'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['', ''],
  ['ü＄．😀', 'ü＄．😀'],
  ['\uFF04where', '\uFF04where'],
  ['user_id', 'user_id'],
];

/** Every string over the alphabet of characters that matter, up to length 4. */
function allShortKeys(): string[] {
  const alphabet = ['$', '.', '~', 'd', 's', 't', '0', '\0', 'a'];
  let keys = [''];
  const all = [''];
  for (let n = 0; n < 4; n++) {
    keys = keys.flatMap((k) => alphabet.map((c) => k + c));
    all.push(...keys);
  }
  return all;
}

describe('escapeKey / decodeKey', () => {
  for (const [key, stored] of TABLE) {
    test(`${JSON.stringify(key)} is stored as ${JSON.stringify(stored)} and reads back`, () => {
      assert.equal(escapeKey(key), stored);
      assert.equal(decodeKey(stored), key);
    });
  }

  test('round-trips every short key over $ . ~ d s t 0 NUL a, and stored keys are ones MongoDB accepts', () => {
    const seen = new Map<string, string>();
    for (const key of allShortKeys()) {
      const stored = escapeKey(key);
      assert.equal(decodeKey(stored), key, JSON.stringify(key));
      assert.ok(!stored.startsWith('$') && !stored.includes('.') && !stored.includes('\0'), JSON.stringify(stored));
      assert.equal(seen.get(stored), undefined, `two keys stored as ${JSON.stringify(stored)}`);
      seen.set(stored, key);
    }
    assert.ok(seen.size > 7000);
  });

  test('keys needing no escape come back as the same string', () => {
    const key = 'plain_key';
    assert.equal(escapeKey(key), key);
    assert.equal(decodeKey(key), key);
  });

  test('a ~ that starts no escape (another tool wrote the key) reads back as it is', () => {
    assert.equal(decodeKey('a~b'), 'a~b');
    assert.equal(decodeKey('~'), '~');
    assert.equal(decodeKey('~~d'), '~.');
  });
});

describe('storedPath', () => {
  test('escapes every key below the section; section and name untouched', () => {
    assert.equal(storedPath('data.a~b'), 'data.a~tb');
    assert.equal(storedPath('data.price$'), 'data.price$');
    assert.equal(storedPath('context.user_id'), 'context.user_id');
    assert.equal(storedPath('name'), 'name');
  });

  test('a key with a dot or a leading $ is named by its stored form', () => {
    assert.equal(storedPath('data.utm~dsource'), 'data.utm~dsource');
    assert.equal(storedPath('data.~swhere.x'), 'data.~swhere.x');
    assert.equal(storedPath('data.a~tb'), 'data.a~tb');
    // The price of one spelling: a key that is itself an escape sequence is named escaped.
    assert.equal(storedPath('data.~td'), 'data.~td');
    assert.equal(storedPath('data.~d'), 'data.~d');
  });

  test('every key of the table is found by its stored form, and as it is unless it has a dot, a leading $ or an escape sequence', () => {
    for (const [key, stored] of TABLE) {
      if (key === '' || key.includes('\0')) continue; // refused in paths by checkPath
      assert.equal(storedPath(`data.${stored}.x`), `data.${stored}.x`, JSON.stringify(key));
      if (!key.includes('.') && !key.startsWith('$') && decodeKey(key) === key) assert.equal(storedPath(`data.${key}`), `data.${stored}`, JSON.stringify(key));
    }
  });
});
