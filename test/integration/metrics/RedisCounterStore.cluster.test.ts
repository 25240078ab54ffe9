// RedisCounterStore against a real 3-master Redis Cluster: the shared
// conformance suite and the Redis-specific checks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { RedisCounterStore } from '../../../src/metrics/redis/RedisCounterStore.js';
import { keySlot } from '../../../src/metrics/redis/slot.js';
import { redisClusterNodes, skipUnless, uniquePrefix } from '../../support/env.js';
import { counterStoreConformance } from '../../unit/metrics/conformance.js';
import { timingConformance } from '../../unit/metrics/timingConformance.js';
import { redisStoreSuite } from './redisStoreSuite.js';

describe('RedisCounterStore, Redis Cluster', { skip: skipUnless('cluster') }, () => {
  let client: Cluster;
  before(async () => {
    client = new Cluster(redisClusterNodes!);
    await client.ping();
  });
  after(async () => {
    await client.quit();
  });

  counterStoreConformance('Redis Cluster', {
    createStore: () => new RedisCounterStore({ client, prefix: `${uniquePrefix('c')}:` }),
    reopen: (store) => new RedisCounterStore({ client, prefix: store.prefix }),
    exactUniques: false,
  });

  timingConformance('Redis Cluster', {
    createStore: () => new RedisCounterStore({ client, prefix: `${uniquePrefix('c')}:` }),
    reopen: (store) => new RedisCounterStore({ client, prefix: store.prefix }),
    exactUniques: false,
  });

  redisStoreSuite('a 3-master cluster', () => client, true);

  it('keySlot() agrees with CLUSTER KEYSLOT', async () => {
    const keys = ['foo', 'bar', '{user1000}.following', 'a{}b', '{}{x}', 'x{y', 'größe', 'et:{#}:r:slugs', ...Array.from({ length: 50 }, (_, i) => `k${i}:{t${i * 7}}:z`)];
    for (const key of keys) assert.equal(keySlot(key), await client.cluster('KEYSLOT', key), key);
  });

  it('{ cluster: [...] } opens its own cluster client and closes it', async () => {
    const store = new RedisCounterStore({ cluster: redisClusterNodes!, prefix: `${uniquePrefix('u')}:` });
    const metrics = new Metrics({ store });
    for (let i = 0; i < 30; i++) metrics.metric(`spread-${i}`, i);
    const values = await metrics.getMetrics(['spread-0', 'spread-29']);
    assert.deepEqual(values.map((v) => v.values.year), [0, 29]);
    const slots = new Set(Array.from({ length: 30 }, (_, i) => keySlot(`{spread-${i}}`)));
    assert.ok(slots.size > 20, 'the slugs spread over many slots and still count exactly');
    await metrics.clearAll();
    await metrics.close();
    assert.equal(store.client.status, 'end');
  });
});
