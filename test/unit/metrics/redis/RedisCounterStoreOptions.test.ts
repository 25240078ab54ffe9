import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisCounterStore } from '../../../../src/metrics/redis/RedisCounterStore.js';
import { DEFAULT_REDIS_COUNTER_STORE_OPTIONS, resolveRedisCounterStoreOptions } from '../../../../src/metrics/redis/RedisCounterStoreOptions.js';

describe('RedisCounterStore options (no server needed)', () => {
  it('needs exactly one of url, cluster, client', () => {
    assert.throws(() => new RedisCounterStore({}), { name: 'ConfigurationError', option: 'url' });
    assert.throws(() => new RedisCounterStore({ url: 'redis://127.0.0.1:1', cluster: [{ host: '127.0.0.1', port: 1 }] }), { option: 'url/cluster' });
    assert.throws(() => new RedisCounterStore({ url: 'http://x' }), { option: 'url' });
    assert.throws(() => new RedisCounterStore({ cluster: [] }), { option: 'cluster' });
    assert.throws(() => new RedisCounterStore({ client: {} as never }), { option: 'client' });
  });

  it("refuses a client with ioredis' keyPrefix", async () => {
    const client = new Redis({ lazyConnect: true, keyPrefix: 'x:' });
    assert.throws(() => new RedisCounterStore({ client }), { option: 'client', message: /keyPrefix/ });
    client.disconnect();
  });

  it('validates and defaults the rest', () => {
    assert.deepEqual(resolveRedisCounterStoreOptions({}), { ...DEFAULT_REDIS_COUNTER_STORE_OPTIONS });
    assert.throws(() => resolveRedisCounterStoreOptions({ prefix: 'a b' }), { option: 'prefix' });
    assert.throws(() => resolveRedisCounterStoreOptions({ maxItemsPerScript: 5000 }), { option: 'maxItemsPerScript' });
    assert.throws(() => resolveRedisCounterStoreOptions({ dedupeTtlSeconds: 0 }), { option: 'dedupeTtlSeconds' });
  });

  it('a given client is not closed and gets no listeners', async () => {
    const client = new Redis({ lazyConnect: true });
    const store = new RedisCounterStore({ client, prefix: 'p:' });
    assert.equal(client.listenerCount('error'), 0);
    await store.close();
    assert.equal(client.status, 'wait');
    client.disconnect();
  });
});
