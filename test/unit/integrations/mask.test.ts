import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { compileMask, MASKED, maskRecord } from '../../../src/integrations/mask.js';

describe('compileMask', () => {
  it('matches names case-insensitively and RegExps as given', () => {
    const mask = compileMask(['Token', /^x-secret-/]);
    assert.ok(mask('token'));
    assert.ok(mask('TOKEN'));
    assert.ok(mask('x-secret-a'));
    assert.ok(!mask('X-Secret-a'));
    assert.ok(!mask('tokens'));
  });

  it('rejects entries that are neither names nor RegExps', () => {
    assert.throws(() => compileMask([1 as never]), (error: unknown) => error instanceof ConfigurationError && error.option === 'requestEvent.mask');
  });
});

describe('maskRecord', () => {
  it('replaces masked values and copies the rest', () => {
    const input = { token: 'abc', page: '2', list: ['a', 'b'] };
    const out = maskRecord(input, compileMask(['token']));
    assert.deepEqual(out, { token: MASKED, page: '2', list: ['a', 'b'] });
    assert.equal(input.token, 'abc');
  });
});

describe('maskRecord with keys named like Object.prototype members', () => {
  it('keeps them as own data properties', () => {
    const input = JSON.parse('{"__proto__":"x","toString":"y","token":"z"}') as Record<string, string>;
    const out = maskRecord(input, compileMask(['token']));
    assert.deepEqual(Object.entries(out), [['__proto__', 'x'], ['toString', 'y'], ['token', MASKED]]);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});
