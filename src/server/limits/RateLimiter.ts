import type { RateLimit } from '../ServerConfig.js';

/** Per-key token buckets: where they live (memory, or Redis so that instances share them). */
export interface RateLimiter {
  /**
   * Takes one token from `key`'s bucket. Resolves 0 when there was one, else
   * the milliseconds until there will be (the request is refused).
   */
  take(key: string, limit: RateLimit): Promise<number>;
  /** Releases what the limiter holds (not a Redis client passed in). */
  close(): Promise<void>;
}

/** Token buckets in this process: right for one instance. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  take(key: string, limit: RateLimit): Promise<number> {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (Math.max(0, now - bucket.at) * limit.perSecond) / 1000);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Promise.resolve(0);
    }
    return Promise.resolve(Math.ceil(((1 - bucket.tokens) * 1000) / limit.perSecond));
  }

  close(): Promise<void> {
    this.buckets.clear();
    return Promise.resolve();
  }
}
