import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPrefix, KeyLayout, tagPrefix } from '../../../src/metrics/keys.js';

describe('KeyLayout', () => {
  const layout = new KeyLayout('et:');

  it('puts a slug or entity in the hash tag and the kind right after it', () => {
    assert.equal(layout.metricKey('signup', 'day', '2026-03'), 'et:{signup}:m:d:2026-03');
    assert.equal(layout.metricKey('signup', 'minute', '1774778400'), 'et:{signup}:m:i:1774778400');
    assert.equal(layout.uniqueKey('signup', 'week', '2026', '13'), 'et:{signup}:u:w:2026:13');
    assert.equal(layout.gaugeKey('queue'), 'et:{queue}:g');
    assert.equal(layout.entityKey('user:1', 'comment', 'month', '2026'), 'et:{user:1}:e:comment:m:2026');
    assert.equal(layout.countKey('user:1'), 'et:{user:1}:c');
    assert.equal(layout.categoryKey('User Metrics'), 'et:{#}:r:cat:User Metrics');
    assert.ok(layout.metricKey('s', 'day', 'c').startsWith(layout.metricBase('s')));
    assert.ok(!layout.uniqueKey('s', 'day', 'c', 'f').startsWith(layout.metricBase('s')), 'deleting counters leaves uniques to their own prefix');
  });

  it('finds the tag prefix of a key (for markers in the same slot)', () => {
    assert.equal(tagPrefix('et:{signup}:m:d:2026-03'), 'et:{signup}:');
    assert.equal(tagPrefix('plain'), 'plain:');
  });

  it('checks store prefixes', () => {
    assert.equal(checkPrefix('prefix', 'myapp:metrics:'), 'myapp:metrics:');
    for (const bad of ['', 'a b', 'a{', 'a*', 'x'.repeat(65), 5]) assert.throws(() => checkPrefix('prefix', bad), { name: 'ConfigurationError', option: 'prefix' });
  });
});
