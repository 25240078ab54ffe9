import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrames, frameEnd, HEADER_BYTES, resync } from '../../../../src/delivery/spill/frame.js';

const payloads = ['{"a":1}', '{"é":"ünïcødé ✓"}', `{"big":"${'x'.repeat(5000)}"}`];
const lengths = payloads.map((p) => Buffer.byteLength(p));

function records(buffer: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at < buffer.length; ) {
    const end = frameEnd(buffer, at, buffer.length);
    assert.notEqual(end, -1, `no valid record at ${at}`);
    out.push(buffer.toString('utf8', at + HEADER_BYTES, end));
    at = end;
  }
  return out;
}

test('frames round trip: [u32 length][u32 crc32][payload], multi-byte characters counted in bytes', () => {
  const buffer = encodeFrames(payloads, lengths, 0, payloads.length);
  assert.equal(buffer.length, lengths.reduce((s, l) => s + l + HEADER_BYTES, 0));
  assert.equal(buffer.readUInt32LE(0), 7);
  assert.deepEqual(records(buffer), payloads);
  assert.deepEqual(records(encodeFrames(payloads, lengths, 1, 2)), [payloads[1]]);
});

test('a record cut short, with a flipped bit or made of zeros is not valid', () => {
  const buffer = encodeFrames(payloads, lengths, 0, 1);
  assert.equal(frameEnd(buffer, 0, buffer.length - 1), -1, 'torn payload');
  assert.equal(frameEnd(buffer, 0, 5), -1, 'torn header');
  const flipped = Buffer.from(buffer);
  flipped[HEADER_BYTES + 3]! ^= 0x01;
  assert.equal(frameEnd(flipped, 0, flipped.length), -1, 'checksum mismatch');
  const zeros = Buffer.alloc(64);
  assert.equal(frameEnd(zeros, 0, zeros.length), -1, 'zero length (unwritten blocks after a power loss)');
});

test('resync finds the next valid record after damage, or -1', () => {
  const buffer = encodeFrames(payloads, lengths, 0, payloads.length);
  const second = HEADER_BYTES + lengths[0]!;
  buffer.writeUInt32LE(0xfffffff0, 0); // the first record's length is garbage
  assert.equal(frameEnd(buffer, 0, buffer.length), -1);
  assert.equal(resync(buffer, 0, buffer.length), second);
  const last = second + HEADER_BYTES + lengths[1]!;
  assert.equal(resync(buffer, last, buffer.length - 1), -1, 'nothing valid in a torn tail');
});
