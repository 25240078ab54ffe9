/** One serialized event waiting for a request: its index in the batch and its size in bytes. */
export interface Piece {
  readonly index: number;
  readonly bytes: number;
}

/** The limits of one request body. */
export interface RequestLimits {
  /** Most events per request. */
  readonly maxCount: number;
  /** Most bytes per (uncompressed) request body, envelope included. */
  readonly maxBytes: number;
  /** Bytes of the envelope around the events (`[`…`]`: 2). */
  readonly overheadBytes: number;
  /** Bytes between two events (`,` or `\n`: 1). */
  readonly separatorBytes: number;
}

/**
 * Splits pieces, in order, into requests that respect both limits: a request
 * is closed when one more piece would pass `maxCount` or `maxBytes`. Every
 * piece must fit alone (`overheadBytes + bytes ≤ maxBytes`); callers reject
 * bigger events before packing.
 */
export function packRequests(pieces: readonly Piece[], limits: RequestLimits): Piece[][] {
  const requests: Piece[][] = [];
  let current: Piece[] = [];
  let size = limits.overheadBytes;
  for (const piece of pieces) {
    const added = (current.length === 0 ? 0 : limits.separatorBytes) + piece.bytes;
    if (current.length > 0 && (current.length >= limits.maxCount || size + added > limits.maxBytes)) {
      requests.push(current);
      current = [];
      size = limits.overheadBytes;
      size += piece.bytes;
    } else size += added;
    current.push(piece);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
