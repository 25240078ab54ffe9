import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signBody, verifySignature } from '../../../../src/backends/http/signature.js';

test('signBody is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
  const expected = createHmac('sha256', 's3cret').update('1700000000.[1]').digest('hex');
  assert.equal(signBody('s3cret', '[1]', 1_700_000_000), `t=1700000000,v1=${expected}`);
});

test('verifySignature accepts a good signature within tolerance, rejects tampering, old ones, other secrets and junk', () => {
  const now = 1_700_000_000_000;
  const header = signBody('k', '{"a":1}', now / 1000);
  assert.equal(verifySignature('k', header, '{"a":1}', { now }), true);
  assert.equal(verifySignature('k', header, Buffer.from('{"a":1}'), { now }), true);
  assert.equal(verifySignature('k', header, '{"a":2}', { now }), false);
  assert.equal(verifySignature('other', header, '{"a":1}', { now }), false);
  assert.equal(verifySignature('k', header, '{"a":1}', { now: now + 301_000 }), false);
  assert.equal(verifySignature('k', header, '{"a":1}', { now: now + 301_000, toleranceSeconds: 400 }), true);
  assert.equal(verifySignature('k', `${header},v1=${'0'.repeat(64)}`, '{"a":1}', { now }), true, 'any v1 may match (key rotation)');
  for (const junk of [undefined, null, '', 't=abc,v1=00', 'v1=00', `t=${now / 1000}`, `t=${now / 1000},v1=zz`]) {
    assert.equal(verifySignature('k', junk, '{"a":1}', { now }), false);
  }
});
