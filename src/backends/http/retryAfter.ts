/** The longest `Retry-After` honoured, in ms; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 300_000;

/**
 * A `Retry-After` header (delay in seconds, or an HTTP date) as ms from `now`,
 * at most {@link MAX_RETRY_AFTER_MS}; 0 when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return 0;
  const trimmed = text.trim();
  let ms: number;
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return 0;
    ms = at - now;
  }
  return Math.max(0, Math.min(MAX_RETRY_AFTER_MS, Math.ceil(ms)));
}
