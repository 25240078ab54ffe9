import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { ApiKeys, hashKey } from '../../../src/server/auth.js';
import { HttpError } from '../../../src/server/HttpError.js';

const keys = new ApiKeys([
  { id: 'hashed', sha256: hashKey('the-hashed-key'), scopes: ['write'] },
  { id: 'plain', key: 'the-plain-key', scopes: ['read', 'write'] },
]);

function refusal(header: string | undefined, scope: 'read' | 'write'): [number, string] {
  try {
    keys.authenticate(header, scope);
  } catch (error) {
    assert.ok(error instanceof HttpError);
    return [error.statusCode, error.code];
  }
  return [200, 'ok'];
}

test('hashKey is the hex SHA-256 of the key', () => {
  assert.equal(hashKey('abc'), createHash('sha256').update('abc').digest('hex'));
});

test('a key stored as SHA-256 or in plain text authenticates with its scopes', () => {
  assert.equal(keys.authenticate('Bearer the-hashed-key', 'write').id, 'hashed');
  assert.equal(keys.authenticate('bearer   the-plain-key', 'read').id, 'plain');
  assert.deepEqual([...keys.authenticate('Bearer the-plain-key', 'write').scopes].sort(), ['read', 'write']);
});

test('401 for a missing, malformed or unknown key; 403 for a known key without the scope', () => {
  assert.deepEqual(refusal(undefined, 'write'), [401, 'missing-key']);
  assert.deepEqual(refusal('', 'write'), [401, 'missing-key']);
  assert.deepEqual(refusal('Basic dXNlcjpwYXNz', 'write'), [401, 'invalid-key']);
  assert.deepEqual(refusal('Bearer', 'write'), [401, 'invalid-key']);
  assert.deepEqual(refusal('Bearer the-hashed-key extra', 'write'), [401, 'invalid-key']);
  assert.deepEqual(refusal('Bearer the-hashed-kez', 'write'), [401, 'invalid-key']);
  // The stored digest itself is not a key.
  assert.deepEqual(refusal(`Bearer ${hashKey('the-hashed-key')}`, 'write'), [401, 'invalid-key']);
  assert.deepEqual(refusal('Bearer the-hashed-key', 'read'), [403, 'forbidden']);
});
