import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryRateLimiter } from '../../../src/server/limits/RateLimiter.js';

test('token bucket: a burst, then one request per refill interval; keys apart', async () => {
  let now = 1_000_000;
  const limiter = new MemoryRateLimiter(() => now);
  const limit = { perSecond: 2, burst: 3 };
  const waits = [];
  for (let i = 0; i < 4; i++) waits.push(await limiter.take('k', limit));
  assert.deepEqual(waits, [0, 0, 0, 500]);
  assert.equal(await limiter.take('other', limit), 0);
  now += 499;
  assert.ok((await limiter.take('k', limit)) > 0);
  now += 2;
  assert.equal(await limiter.take('k', limit), 0);
  now += 60_000; // refills to the burst, not beyond
  for (let i = 0; i < 3; i++) assert.equal(await limiter.take('k', limit), 0);
  assert.ok((await limiter.take('k', limit)) > 0);
});
