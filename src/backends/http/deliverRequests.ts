import { type EventFailure, PartialDeliveryError } from '../../errors.js';
import { messageOf } from '../../delivery/messageOf.js';
import { retryAfterOf } from '../../delivery/backoff.js';

/** A failure the sender marked as permanent (`error.retryable === false`). */
function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

/**
 * Sends the requests of one batch, one after another, and reports the
 * outcome in the terms of the delivery layer: resolves when every event was
 * accepted; otherwise throws a {@link PartialDeliveryError} whose failures
 * are the events refused before sending (`rejected`, not retryable), the
 * events a server refused one by one (as `send` reports them) and every event
 * of a request that failed as a whole (retryable unless its error says
 * `retryable: false`). When the batch was one request that failed as a whole,
 * its error is thrown as it is. The longest `retryAfterMs` of the failures
 * is kept on the thrown error, so the retry waits for it.
 *
 * @param send posts one request; resolves with the per-event failures (batch indices) of a partial success.
 */
export async function deliverRequests(
  requests: readonly (readonly number[])[],
  send: (indices: readonly number[], request: number) => Promise<readonly EventFailure[] | void>,
  rejected: readonly EventFailure[] = [],
): Promise<void> {
  const failures: EventFailure[] = [...rejected];
  let retryAfterMs = 0;
  for (let r = 0; r < requests.length; r++) {
    const indices = requests[r]!;
    try {
      const partial = await send(indices, r);
      if (partial !== undefined) failures.push(...partial);
    } catch (error) {
      if (requests.length === 1 && rejected.length === 0 && !(error instanceof PartialDeliveryError)) throw error;
      retryAfterMs = Math.max(retryAfterMs, retryAfterOf(error));
      if (error instanceof PartialDeliveryError) failures.push(...error.failures);
      else {
        const retryable = !isPermanent(error);
        for (const index of indices) failures.push({ index, error, retryable });
      }
    }
  }
  if (failures.length === 0) return;
  const error = new PartialDeliveryError(failures, `${failures.length} event(s) of the batch failed, the first: ${messageOf(failures[0]!.error)}`);
  if (retryAfterMs > 0) Object.defineProperty(error, 'retryAfterMs', { value: retryAfterMs, enumerable: true });
  throw error;
}
