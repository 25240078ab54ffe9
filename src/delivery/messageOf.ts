/**
 * The message of a thrown value as text, without ever throwing itself: an
 * error's `message`, or the value through `String`. Backends may reject with
 * anything, and `String(Object.create(null))` throws; a report about a failure
 * must not become a failure of its own (an unhandled rejection, a batch left
 * in flight).
 */
export function messageOf(error: unknown): string {
  try {
    const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    return String(message ?? error);
  } catch {
    return `a thrown ${typeof error} that cannot be printed`;
  }
}
