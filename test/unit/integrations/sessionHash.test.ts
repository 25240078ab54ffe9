import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { createSessionHasher, readCookie } from '../../../src/integrations/sessionHash.js';

const SECRET = 'a-test-secret-of-32-characters!!';

describe('createSessionHasher', () => {
  it('is HMAC-SHA256 of the id under the secret, in hex', () => {
    const hash = createSessionHasher(SECRET)('session-123');
    assert.equal(hash, createHmac('sha256', SECRET).update('session-123').digest('hex'));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.ok(!hash.includes('session-123'));
  });

  it('is stable per id and differs across ids and secrets', () => {
    const hash = createSessionHasher(SECRET);
    assert.equal(hash('a'), hash('a'));
    assert.notEqual(hash('a'), hash('b'));
    assert.notEqual(createSessionHasher(`${SECRET}x`)('a'), hash('a'));
  });

  it('accepts bytes as the secret', () => {
    assert.equal(createSessionHasher(Buffer.from(SECRET))('x'), createSessionHasher(SECRET)('x'));
  });

  it('rejects a short secret naming sessionSecret', () => {
    assert.throws(() => createSessionHasher('short'), (error: unknown) => error instanceof ConfigurationError && error.option === 'sessionSecret');
  });
});

describe('readCookie', () => {
  it('finds the named cookie among others', () => {
    assert.equal(readCookie('a=1; connect.sid=abc; b=2', 'connect.sid'), 'abc');
    assert.equal(readCookie('connect.sid=abc', 'connect.sid'), 'abc');
    assert.equal(readCookie('x=1;sid=zz', 'sid'), 'zz');
  });

  it('does not match a cookie whose name only ends with the name', () => {
    assert.equal(readCookie('xsid=1; sid=2', 'sid'), '2');
    assert.equal(readCookie('xsid=1', 'sid'), undefined);
  });

  it('percent-decodes and unquotes, and keeps malformed encoding as sent', () => {
    assert.equal(readCookie('sid=s%3Aabc.def', 'sid'), 's:abc.def');
    assert.equal(readCookie('sid="quoted"', 'sid'), 'quoted');
    assert.equal(readCookie('sid=%E0%A4%A', 'sid'), '%E0%A4%A');
  });

  it('returns undefined without the header or cookie', () => {
    assert.equal(readCookie(undefined, 'sid'), undefined);
    assert.equal(readCookie('other=1', 'sid'), undefined);
    assert.equal(readCookie('', 'sid'), undefined);
  });
});
