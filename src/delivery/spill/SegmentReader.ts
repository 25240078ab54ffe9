import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentName } from './segmentFiles.js';

// Reads ahead this much per read call: a batch of small events costs one read
// every few batches, not one per record.
const READ_AHEAD = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Buffered reads of the segment being replayed: keeps the file open and a
 * window of its bytes in memory, `buffer[0]` being the byte at file offset
 * `start`. The frames of the last append are offered too, so a reader that
 * keeps up with the writer reads them from memory.
 */
export class SegmentReader {
  buffer: Buffer = EMPTY;
  start = 0;
  private segment = -1;
  private file: FileHandle | undefined;
  private fileSegment = -1;
  private tail: { segment: number; start: number; buffer: Buffer } | undefined;

  constructor(private readonly folder: string) {}

  /** Makes bytes `[from, to)` of `segment` available in `buffer`, reading ahead up to `limit` (the segment's written end). */
  async load(segment: number, from: number, to: number, limit: number): Promise<void> {
    if (segment === this.segment && from >= this.start && to <= this.start + this.buffer.length) return;
    const tail = this.tail;
    if (tail !== undefined && segment === tail.segment && from >= tail.start && to <= tail.start + tail.buffer.length) {
      this.buffer = tail.buffer;
      this.start = tail.start;
      this.segment = segment;
      return;
    }
    if (segment !== this.fileSegment) {
      const previous = this.file;
      this.file = undefined;
      this.fileSegment = -1;
      await previous?.close();
      this.file = await open(join(this.folder, segmentName(segment)), 'r');
      this.fileSegment = segment;
    }
    const length = Math.min(Math.max(to - from, READ_AHEAD), limit - from);
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await this.file!.read(buffer, read, length - read, from + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    this.buffer = buffer.subarray(0, read);
    this.start = from;
    this.segment = segment;
  }

  /** The frames just written at `start` of `segment` (complete records only). */
  offer(segment: number, start: number, frames: Buffer): void {
    this.tail = { segment, start, buffer: frames };
  }

  /** Closes the open segment, if any. */
  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    this.fileSegment = -1;
    this.segment = -1;
    this.buffer = EMPTY;
    this.tail = undefined;
    await file?.close();
  }
}
