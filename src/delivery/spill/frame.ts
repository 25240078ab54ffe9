// The record framing of spill segments:
//
//   [u32 LE payload length][u32 LE CRC-32 of the payload][payload]
//
// The payload is one event as the logger writes it (a JSON line, `serializeEvent`).
// CRC-32 (IEEE, zlib's) rather than CRC-32C: Node has it built in (`zlib.crc32`),
// and either catches torn writes and flipped bits equally well here.
import type * as zlib from 'node:zlib';
import { builtin } from '../../event/builtin.js';

const crc32 = (data: Uint8Array): number => builtin<typeof zlib>('node:zlib').crc32(data);

/** Bytes of a record header: length and checksum. */
export const HEADER_BYTES = 8;

// A payload is a JSON object: at least `{}`. Zero lengths are what a power loss
// leaves in unwritten blocks, so they must never pass as records.
const MIN_PAYLOAD = 2;
const OPEN_BRACE = 0x7b;

/**
 * Frames the payloads into one buffer (one write for a whole batch).
 * `lengths[i]` is `Buffer.byteLength(payloads[i])`, already computed by the caller.
 */
export function encodeFrames(payloads: readonly string[], lengths: readonly number[], from: number, to: number): Buffer {
  let total = 0;
  for (let i = from; i < to; i++) total += HEADER_BYTES + lengths[i]!;
  const buffer = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = from; i < to; i++) {
    const length = lengths[i]!;
    const start = at + HEADER_BYTES;
    buffer.write(payloads[i]!, start, length, 'utf8');
    buffer.writeUInt32LE(length, at);
    buffer.writeUInt32LE(crc32(buffer.subarray(start, start + length)), at + 4);
    at = start + length;
  }
  return buffer;
}

/**
 * The end of the valid record starting at `at` in `buffer[..end)`, or -1 when
 * there is none: a header cut short, a length beyond `end`, or a checksum
 * that does not match.
 */
export function frameEnd(buffer: Buffer, at: number, end: number): number {
  if (at + HEADER_BYTES > end) return -1;
  const length = buffer.readUInt32LE(at);
  const next = at + HEADER_BYTES + length;
  if (length < MIN_PAYLOAD || next > end || buffer[at + HEADER_BYTES] !== OPEN_BRACE) return -1;
  return crc32(buffer.subarray(at + HEADER_BYTES, next)) === buffer.readUInt32LE(at + 4) ? next : -1;
}

/**
 * Where the records resume after damage at `at`: the first later offset where
 * a valid record starts, or -1 when none does before `end`. A random offset
 * passes the length, first-byte and checksum tests with a negligible chance.
 */
export function resync(buffer: Buffer, at: number, end: number): number {
  for (let p = at + 1; p + HEADER_BYTES < end; p++) {
    if (buffer[p + HEADER_BYTES] === OPEN_BRACE && frameEnd(buffer, p, end) !== -1) return p;
  }
  return -1;
}
