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
