import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

// Why this is not just uuid's v7(): that draws fresh random bytes and builds a
// 20-piece string rope per id (~2.5 µs on a busy machine, and the ropes, kept
// alive by queued events, dominated garbage collection). Here uuid still lays
// out every id's bytes, but:
// - random bytes come from a pool filled 16 KiB at a time;
// - the millisecond/sequence state is kept here exactly as uuid keeps it
//   (monotonic within a millisecond), so we can lay out several ids at once;
// - hex digits are written into one ASCII buffer and decoded as one flat
//   string per block of ids; each id is a 36-character slice of it.
// Under load ids are made in blocks (up to 32) for the current millisecond;
// the block size adapts so an idle emitter makes one id at a time.

const pool = new Uint8Array(16 * 1024);
let poolOffset = pool.length;
const random = new Uint8Array(16);

function nextRandom(): Uint8Array {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // uuid reads bytes 6..15 of the array it is given.
  for (let i = 6; i < 16; i++) random[i] = pool[poolOffset + i]!;
  poolOffset += 16;
  return random;
}

const HEX_PAIRS = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const pair = (i + 0x100).toString(16).slice(1);
  HEX_PAIRS[i * 2] = pair.charCodeAt(0);
  HEX_PAIRS[i * 2 + 1] = pair.charCodeAt(1);
}
/** Where byte i of an id goes in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
const POSITIONS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const ID_LENGTH = 36;
const MAX_BLOCK = 32;
const text = Buffer.alloc(ID_LENGTH * MAX_BLOCK, 0x2d); // '-' wherever no digit is written
const bytes = new Uint8Array(16);
const options: { msecs: number; seq: number; random: Uint8Array } = { msecs: 0, seq: 0, random };

let lastMs = -Infinity;
let seq = 0;
/** The millisecond written in slot 0 of the current block. */
let blockMsecs = -1;

/** Lays out the next id of millisecond `now` (uuid's v7 state machine) at slot `slot` of `text`. */
function writeNext(now: number, slot: number): void {
  nextRandom();
  if (now > lastMs) {
    // As uuid's updateV7State: a random 31-bit start leaves room to count up.
    seq = ((random[6]! << 23) | (random[7]! << 16) | (random[8]! << 8) | random[9]!) >>> 0;
    lastMs = now;
  } else {
    seq = (seq + 1) >>> 0;
    if (seq === 0) lastMs++;
  }
  options.msecs = lastMs;
  options.seq = seq;
  v7(options, bytes);
  const base = slot * ID_LENGTH;
  let first = 0;
  if (slot > 0 && options.msecs === blockMsecs) {
    // Same millisecond as slot 0: its first 13 characters (`xxxxxxxx-xxxx`) are this id's too.
    text.copyWithin(base, 0, 13);
    first = 6;
  } else if (slot === 0) {
    blockMsecs = options.msecs;
  }
  for (let i = first; i < 16; i++) {
    const at = base + POSITIONS[i]!;
    const pair = bytes[i]! * 2;
    text[at] = HEX_PAIRS[pair]!;
    text[at + 1] = HEX_PAIRS[pair + 1]!;
  }
}

let block = '';
let blockMs = -Infinity;
let blockNext = 0;
let blockCount = 0;
let blockSize = 1;

/**
 * A new UUID v7 (RFC 9562): 48-bit Unix milliseconds, then a 32-bit sequence
 * seeded randomly each millisecond and incremented within it (ids sort in
 * emit order within one process), then random bits.
 */
export function newEventId(now: number = Date.now()): string {
  if (now === blockMs && blockNext < blockCount) {
    const start = blockNext++ * ID_LENGTH;
    return block.substring(start, start + ID_LENGTH);
  }
  if (now === blockMs) blockSize = Math.min(MAX_BLOCK, blockSize * 2); // used up within its millisecond: busy
  else if (blockNext < blockCount) blockSize = Math.max(1, blockSize >> 1); // left unused: quieter
  for (let slot = 0; slot < blockSize; slot++) writeNext(now, slot);
  block = text.toString('latin1', 0, blockSize * ID_LENGTH);
  blockMs = now;
  blockCount = blockSize;
  blockNext = 1;
  return blockSize === 1 ? block : block.substring(0, ID_LENGTH);
}
