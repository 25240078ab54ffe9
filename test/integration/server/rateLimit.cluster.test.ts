// The Redis token bucket on a Redis Cluster: one hash-tagged key per API key,
// shared by two limiters (two service instances), refilled on Redis's clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Cluster } from 'ioredis';
import { RedisRateLimiter, type RedisScripting } from '../../../src/server/limits/RedisRateLimiter.js';
import { redisClusterNodes, skipUnless, uniquePrefix } from '../../support/env.js';

describe('RedisRateLimiter on a Redis Cluster', { skip: skipUnless('cluster') }, () => {
  let client: Cluster;
  before(async () => {
    client = new Cluster(redisClusterNodes!);
    await client.ping();
  });
  after(async () => {
    await client.quit();
  });

  test('two limiters share each bucket; a spent bucket waits about 1/rate; keys apart', async () => {
    const prefix = `${uniquePrefix('rl')}:`;
    const one = new RedisRateLimiter(client as unknown as RedisScripting, prefix);
    const two = new RedisRateLimiter(client as unknown as RedisScripting, prefix);
    const limit = { perSecond: 2, burst: 3 };
    const waits = [await one.take('k', limit), await two.take('k', limit), await one.take('k', limit), await two.take('k', limit)];
    assert.deepEqual(waits.slice(0, 3), [0, 0, 0]);
    assert.ok(waits[3]! > 0 && waits[3]! <= 500, String(waits[3]));
    assert.equal(await two.take('other', limit), 0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(await one.take('k', limit), 0);
    const ttl = await client.pttl(`${prefix}{k}`);
    assert.ok(ttl > 0 && ttl <= 2500, String(ttl));
  });
});
