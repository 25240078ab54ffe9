import { type EventFailure, ValidationError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import { packRequests, type Piece, type RequestLimits } from './packRequests.js';

/** A batch made ready to post: each event's text, the requests (batch indices) and the events refused. */
export interface PreparedBatch {
  /** The serialized event at each batch index (`''` for a refused one). */
  readonly texts: readonly string[];
  /** Batch indices per request, in order. */
  readonly requests: readonly (readonly number[])[];
  /** Events refused before sending: not retryable, dropped as `rejected` with the reason. */
  readonly rejected: readonly EventFailure[];
}

/**
 * Serializes every event with `serialize` (which may throw a
 * `ValidationError` to refuse one, e.g. Segment without a user id), refuses
 * those bigger than `maxEventBytes` with reason `too-large`, and packs the
 * rest into requests within `limits`.
 */
export function prepareRequests(
  events: readonly TrackedEvent[],
  serialize: (event: TrackedEvent) => string,
  limits: RequestLimits,
  maxEventBytes: number,
  api: string,
): PreparedBatch {
  const texts: string[] = new Array<string>(events.length);
  const pieces: Piece[] = [];
  const rejected: EventFailure[] = [];
  const fits = Math.min(maxEventBytes, limits.maxBytes - limits.overheadBytes);
  for (let index = 0; index < events.length; index++) {
    let text: string;
    try {
      text = serialize(events[index]!);
    } catch (error) {
      texts[index] = '';
      rejected.push({ index, error: error instanceof ValidationError ? error : new ValidationError('unserializable', `${api}: the event cannot be sent: ${String((error as Error)?.message ?? error)}`, { cause: error }), retryable: false });
      continue;
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > fits) {
      texts[index] = '';
      rejected.push({ index, error: new ValidationError('too-large', `${api}: the event is ${bytes} bytes, over the ${fits}-byte limit of one event`), retryable: false });
      continue;
    }
    texts[index] = text;
    pieces.push({ index, bytes });
  }
  const requests = packRequests(pieces, limits).map((request) => request.map((piece) => piece.index));
  return { texts, requests, rejected };
}
