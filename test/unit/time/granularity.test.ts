import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGranularity, GRANULARITIES, granularityRank, isGranularity, resolveGranularities } from '../../../src/time/granularity.js';

describe('granularity', () => {
  it('lists seven granularities finest first', () => {
    assert.deepEqual(GRANULARITIES, ['second', 'minute', 'hour', 'day', 'week', 'month', 'year']);
    assert.deepEqual(GRANULARITIES.map(granularityRank), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(isGranularity('week'), true);
    assert.equal(isGranularity('toString'), false);
  });

  it('resolves an option list: deduplicated, ordered, validated', () => {
    assert.deepEqual(resolveGranularities('granularities', ['year', 'hour', 'hour']), ['hour', 'year']);
    assert.throws(() => resolveGranularities('granularities', []), { name: 'ConfigurationError', option: 'granularities' });
    assert.throws(() => resolveGranularities('granularities', ['daily']), /unknown granularity "daily"/);
  });

  it('checks call arguments with a ValidationError', () => {
    assert.equal(checkGranularity('day'), 'day');
    assert.throws(() => checkGranularity('days'), { name: 'ValidationError', reason: 'invalid_granularity' });
  });
});
