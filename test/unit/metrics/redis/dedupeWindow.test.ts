// "Dedupe window" options in one unit (ms): the Redis store takes dedupeWindowMs as the memory store does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../../src/errors.js';
import { MemoryCounterStore } from '../../../../src/metrics/memory/MemoryCounterStore.js';
import { DEFAULT_REDIS_COUNTER_STORE_OPTIONS, resolveRedisCounterStoreOptions } from '../../../../src/metrics/redis/RedisCounterStoreOptions.js';

const url = 'redis://127.0.0.1:1';

describe('dedupe window in ms', () => {
  it('dedupeWindowMs on the Redis store, rounded up to the whole seconds its markers live', () => {
    assert.equal(resolveRedisCounterStoreOptions({ url, dedupeWindowMs: 30_000 }).dedupeTtlSeconds, 30);
    assert.equal(resolveRedisCounterStoreOptions({ url, dedupeWindowMs: 1_500 }).dedupeTtlSeconds, 2);
    assert.equal(resolveRedisCounterStoreOptions({ url }).dedupeTtlSeconds, DEFAULT_REDIS_COUNTER_STORE_OPTIONS.dedupeTtlSeconds);
    assert.equal(new MemoryCounterStore().dedupeWindowMs, DEFAULT_REDIS_COUNTER_STORE_OPTIONS.dedupeTtlSeconds * 1000, 'same default window');
  });

  it('the older dedupeTtlSeconds still works; both at once, or a bad value, is refused naming the option', () => {
    assert.equal(resolveRedisCounterStoreOptions({ url, dedupeTtlSeconds: 45 }).dedupeTtlSeconds, 45);
    assert.throws(() => resolveRedisCounterStoreOptions({ url, dedupeWindowMs: 1000, dedupeTtlSeconds: 1 }), (e: unknown) => e instanceof ConfigurationError && e.option === 'dedupeWindowMs');
    assert.throws(() => resolveRedisCounterStoreOptions({ url, dedupeWindowMs: 0 }), (e: unknown) => e instanceof ConfigurationError && e.option === 'dedupeWindowMs');
    assert.throws(() => new MemoryCounterStore({ dedupeWindowMs: 1.5 }), (e: unknown) => e instanceof ConfigurationError && /expected an integer ≥ 1, got 1.5/.test(e.message));
  });
});
