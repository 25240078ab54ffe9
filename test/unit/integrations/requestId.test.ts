import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveRequestId } from '../../../src/integrations/requestId.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it('keeps a valid incoming id', () => {
    assert.equal(resolveRequestId('abc-123_x.y:z', 128), 'abc-123_x.y:z');
    assert.equal(resolveRequestId('0f8fad5b-d9cb-469f-a165-70867728950e', 128), '0f8fad5b-d9cb-469f-a165-70867728950e');
    assert.equal(resolveRequestId(['first', 'second'], 128), 'first');
  });

  it('generates a UUID v7 when the header is missing or empty', () => {
    assert.match(resolveRequestId(undefined, 128), UUID_V7);
    assert.match(resolveRequestId('', 128), UUID_V7);
    assert.notEqual(resolveRequestId(undefined, 128), resolveRequestId(undefined, 128));
  });

  it('replaces an id that is too long or has unsafe characters', () => {
    assert.match(resolveRequestId('a'.repeat(129), 128), UUID_V7);
    assert.equal(resolveRequestId('a'.repeat(128), 128), 'a'.repeat(128));
    for (const bad of ['has space', 'new\nline', '<script>', 'a,b', 'quote"']) assert.match(resolveRequestId(bad, 128), UUID_V7);
  });
});
