import type * as crypto from 'node:crypto';
import { builtin } from './builtin.js';

// Why this is not just uuid's v7(): that draws fresh random bytes and builds a
// 20-piece string rope per id (~2.5 µs on a busy machine, and the ropes, kept
// alive by queued events, dominated garbage collection); and importing the
// uuid package (15 modules) was the largest part of importing eventtrack.
// Here the bytes are laid out as uuid's v7 lays them out (layOutV7, checked
// against uuid in the tests), but:
// - random bytes come from a pool filled 10 KiB at a time, handed to the layout as
//   ready-made views (no copying); the layout reads only bytes 6..15 of the 16 it is
//   given, so consecutive views overlap by 6 bytes and each id uses 10 fresh ones;
// - the millisecond/sequence state is kept here exactly as uuid keeps it
//   (monotonic within a millisecond), so we can lay out several ids at once;
// - hex digits are written two at a time into one ASCII buffer, decoded as one
//   flat string per block of ids; each id is a 36-character slice of it.
// Under load ids are made in blocks (up to 32) for the current millisecond;
// the block size adapts so an idle emitter makes one id at a time.

const POOL_IDS = 1024;
const RANDOM_BYTES = 10;
const pool = new Uint8Array(6 + RANDOM_BYTES * POOL_IDS);
/** Id i's 16-byte view of the pool: its bytes 6..15 (the ones layOutV7 reads) are its own. */
const randoms = Array.from({ length: POOL_IDS }, (_, i) => pool.subarray(i * RANDOM_BYTES, i * RANDOM_BYTES + 16));
let poolNext = POOL_IDS;

/** The two ASCII hex digits of each byte value: the first in the low 8 bits, the second in the high. */
const HEX_PAIRS = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  const digits = (i + 0x100).toString(16).slice(1);
  HEX_PAIRS[i] = digits.charCodeAt(0) | (digits.charCodeAt(1) << 8);
}
const ID_LENGTH = 36;
const MAX_BLOCK = 32;
const text = Buffer.alloc(ID_LENGTH * MAX_BLOCK, 0x2d); // '-' wherever no digit is written
const bytes = new Uint8Array(16);

/**
 * The 16 bytes of a UUID v7 (RFC 9562) exactly as uuid's `v7({ msecs, seq, random }, out)`
 * lays them out: 48-bit milliseconds, version 7, a 32-bit sequence around the
 * variant bits, then bytes 10..15 of `random` (only its bytes 10..15 are read).
 */
export function layOutV7(msecs: number, seq: number, random: Uint8Array, out: Uint8Array): Uint8Array {
  out[0] = (msecs / 0x10000000000) & 0xff;
  out[1] = (msecs / 0x100000000) & 0xff;
  out[2] = (msecs / 0x1000000) & 0xff;
  out[3] = (msecs / 0x10000) & 0xff;
  out[4] = (msecs / 0x100) & 0xff;
  out[5] = msecs & 0xff;
  out[6] = 0x70 | ((seq >>> 28) & 0x0f);
  out[7] = (seq >>> 20) & 0xff;
  out[8] = 0x80 | ((seq >>> 14) & 0x3f);
  out[9] = (seq >>> 6) & 0xff;
  out[10] = ((seq << 2) & 0xff) | (random[10]! & 0x03);
  out[11] = random[11]!;
  out[12] = random[12]!;
  out[13] = random[13]!;
  out[14] = random[14]!;
  out[15] = random[15]!;
  return out;
}

/** Everything that changes from id to id, in one object (cheaper to reach than module-level `let`s). */
const state = {
  lastMs: -Infinity,
  seq: 0,
  /** The current block of ids, and which millisecond it was made for. */
  block: '',
  blockMs: -Infinity,
  blockNext: 0,
  blockCount: 0,
  blockSize: 1,
};

function writeHex(at: number, byte: number): void {
  const pair = HEX_PAIRS[byte]!;
  text[at] = pair & 0xff;
  text[at + 1] = pair >>> 8;
}

/** Lays out the next id of millisecond `now` (uuid's v7 state machine) at slot `slot` of `text`. */
function writeNext(now: number, slot: number): void {
  if (poolNext === POOL_IDS) {
    builtin<typeof crypto>('node:crypto').randomFillSync(pool);
    poolNext = 0;
  }
  const random = randoms[poolNext++]!;
  if (now > state.lastMs) {
    // As uuid's updateV7State: a random 31-bit start leaves room to count up.
    state.seq = ((random[6]! << 23) | (random[7]! << 16) | (random[8]! << 8) | random[9]!) >>> 0;
    state.lastMs = now;
  } else {
    state.seq = (state.seq + 1) >>> 0;
    if (state.seq === 0) state.lastMs++;
  }
  layOutV7(state.lastMs, state.seq, random, bytes);
  // Unrolled: a loop over the 16 positions makes each id ~15 % slower.
  const at = slot * ID_LENGTH;
  writeHex(at, bytes[0]!);
  writeHex(at + 2, bytes[1]!);
  writeHex(at + 4, bytes[2]!);
  writeHex(at + 6, bytes[3]!);
  writeHex(at + 9, bytes[4]!);
  writeHex(at + 11, bytes[5]!);
  writeHex(at + 14, bytes[6]!);
  writeHex(at + 16, bytes[7]!);
  writeHex(at + 19, bytes[8]!);
  writeHex(at + 21, bytes[9]!);
  writeHex(at + 24, bytes[10]!);
  writeHex(at + 26, bytes[11]!);
  writeHex(at + 28, bytes[12]!);
  writeHex(at + 30, bytes[13]!);
  writeHex(at + 32, bytes[14]!);
  writeHex(at + 34, bytes[15]!);
}

/**
 * A new UUID v7 (RFC 9562): 48-bit Unix milliseconds, then a 32-bit sequence
 * seeded randomly each millisecond and incremented within it (ids sort in
 * emit order within one process), then random bits.
 */
export function newEventId(now: number = Date.now()): string {
  const s = state;
  if (now === s.blockMs && s.blockNext < s.blockCount) {
    const start = s.blockNext++ * ID_LENGTH;
    return s.block.substring(start, start + ID_LENGTH);
  }
  if (now === s.blockMs) s.blockSize = Math.min(MAX_BLOCK, s.blockSize * 2); // used up within its millisecond: busy
  else if (s.blockNext < s.blockCount) s.blockSize = Math.max(1, s.blockSize >> 1); // left unused: quieter
  const size = s.blockSize;
  for (let slot = 0; slot < size; slot++) writeNext(now, slot);
  s.block = text.toString('latin1', 0, size * ID_LENGTH);
  s.blockMs = now;
  s.blockCount = size;
  s.blockNext = 1;
  return size === 1 ? s.block : s.block.substring(0, ID_LENGTH);
}
