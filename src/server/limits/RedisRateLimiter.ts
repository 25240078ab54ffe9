import { createHash } from 'node:crypto';
import type { RateLimit } from '../ServerConfig.js';
import type { RateLimiter } from './RateLimiter.js';

/** The part of an ioredis client (standalone or Cluster) the limiter uses. */
export interface RedisScripting {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

// One token bucket per key, refilled by elapsed time on Redis's own clock
// (so instances with skewed clocks agree), updated atomically; the key
// expires once a full bucket would have refilled.
const TOKEN_BUCKET = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
`;
const SHA = createHash('sha1').update(TOKEN_BUCKET).digest('hex');

/** Token buckets in Redis (a Lua script per take): several instances share each key's bucket. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: RedisScripting,
    private readonly prefix = 'eventtrack:ratelimit:',
  ) {}

  async take(key: string, limit: RateLimit): Promise<number> {
    const args = [`${this.prefix}{${key}}`, limit.perSecond, limit.burst] as const;
    let result: unknown;
    try {
      result = await this.redis.evalsha(SHA, 1, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      result = await this.redis.eval(TOKEN_BUCKET, 1, ...args);
    }
    return Number(result);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
