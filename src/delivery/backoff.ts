/**
 * "Full jitter" exponential backoff: a uniformly random delay between 0 and
 * `min(maxMs, baseMs × 2^(retry-1))`, so that many clients retrying after one
 * outage spread out instead of arriving together.
 *
 * @param retry 1 for the first retry, 2 for the second, …
 */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The least delay before the next try that a failure asks for: a finite,
 * positive `error.retryAfterMs` (an HTTP backend sets it from the server's
 * `Retry-After`), else 0. The Dispatcher waits the longer of this and its
 * own backoff.
 */
export function retryAfterOf(error: unknown): number {
  const value = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
