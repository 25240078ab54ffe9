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
 * `start`.
 */
export class SegmentReader {
  buffer: Buffer = EMPTY;
  start = 0;
  private file: FileHandle | undefined;
  private segment = -1;

  constructor(private readonly folder: string) {}

  /** Makes bytes `[from, to)` of `segment` available in `buffer`, reading ahead up to `limit` (the segment's written end). */
  async load(segment: number, from: number, to: number, limit: number): Promise<void> {
    if (segment === this.segment && from >= this.start && to <= this.start + this.buffer.length) return;
    if (segment !== this.segment) {
      await this.close();
      this.file = await open(join(this.folder, segmentName(segment)), 'r');
      this.segment = segment;
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
  }

  /** Closes the open segment, if any. */
  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    this.segment = -1;
    this.buffer = EMPTY;
    await file?.close();
  }
}
