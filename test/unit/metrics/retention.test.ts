import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETENTION, expiryOf, resolveRetention } from '../../../src/metrics/retention.js';

describe('retention', () => {
  it('has finite defaults for second, minute, hour, day and week; months and years are kept', () => {
    assert.equal(DEFAULT_RETENTION.second, 6 * 3600);
    assert.equal(DEFAULT_RETENTION.minute, 7 * 86_400);
    assert.equal(DEFAULT_RETENTION.hour, 90 * 86_400);
    assert.equal(DEFAULT_RETENTION.day, 1827 * 86_400);
    assert.equal(DEFAULT_RETENTION.week, 1827 * 86_400);
    assert.equal(DEFAULT_RETENTION.month, Infinity);
    assert.equal(DEFAULT_RETENTION.year, Infinity);
  });

  it('merges user values and validates them', () => {
    const merged = resolveRetention({ second: 60, month: 86_400 });
    assert.equal(merged.second, 60);
    assert.equal(merged.month, 86_400);
    assert.equal(merged.hour, DEFAULT_RETENTION.hour);
    assert.throws(() => resolveRetention({ second: 0 }), { name: 'ConfigurationError', option: 'retention.second' });
    assert.throws(() => resolveRetention({ second: Number.NaN }), { option: 'retention.second' });
    assert.throws(() => resolveRetention({ fortnight: 1 } as never), { option: 'retention.fortnight' });
    assert.throws(() => resolveRetention({ year: 86_400 }), { option: 'retention.year' });
  });

  it('computes an absolute expiry, 0 for never', () => {
    assert.equal(expiryOf(1000, 60), 1060);
    assert.equal(expiryOf(1000.5, 60), 1061);
    assert.equal(expiryOf(1000, Infinity), 0);
    assert.equal(expiryOf(Infinity, 60), 0);
  });
});
