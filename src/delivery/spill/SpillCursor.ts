import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type * as zlib from 'node:zlib';
import { builtin } from '../../event/builtin.js';

const crc32 = (data: Uint8Array): number => builtin<typeof zlib>('node:zlib').crc32(data);
import type { SpillPosition } from './segmentFiles.js';

// The cursor file holds two 32-byte slots, written in turn:
//   [f64 sequence][f64 segment][f64 offset][u32 CRC-32 of the 24 bytes before][u32 0]
// An update is one 32-byte write at a fixed offset, not the four file
// operations of write-a-copy-and-rename (it is done once per acknowledged
// batch), and is just as safe: a slot cut short by a crash or a power loss
// fails its checksum, and the other slot still holds the previous cursor.
// The valid slot with the higher sequence is the cursor.
const SLOT = 32;
const NAME = 'cursor';

function decode(bytes: Buffer, at: number): { sequence: number; position: SpillPosition } | undefined {
  if (bytes.length < at + SLOT || crc32(bytes.subarray(at, at + 24)) !== bytes.readUInt32LE(at + 24)) return undefined;
  const sequence = bytes.readDoubleLE(at);
  const segment = bytes.readDoubleLE(at + 8);
  const offset = bytes.readDoubleLE(at + 16);
  if (!Number.isSafeInteger(sequence) || !Number.isSafeInteger(segment) || !Number.isSafeInteger(offset) || offset < 0) return undefined;
  return { sequence, position: { segment, offset } };
}

/** The persisted read cursor of a spill folder: where the acknowledged records end. */
export class SpillCursor {
  private constructor(
    private readonly file: FileHandle,
    private sequence: number,
    /** The cursor read when the file was opened; undefined when there was none (or neither slot was valid). */
    readonly initial: SpillPosition | undefined,
  ) {}

  /** Opens (or creates) the cursor file of `folder` and reads the cursor in it. */
  static async open(folder: string): Promise<SpillCursor> {
    const path = join(folder, NAME);
    const file = await open(path, 'r+').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return open(path, 'w+');
      throw error;
    });
    try {
      const bytes = Buffer.alloc(2 * SLOT);
      await file.read(bytes, 0, bytes.length, 0);
      const slots = [decode(bytes, 0), decode(bytes, SLOT)].filter((s) => s !== undefined);
      const latest = slots.sort((a, b) => b.sequence - a.sequence)[0];
      return new SpillCursor(file, latest?.sequence ?? 0, latest?.position);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Persists `position` (with `sync`, flushed to disk before resolving). */
  async write(position: SpillPosition, sync: boolean): Promise<void> {
    const sequence = this.sequence + 1;
    const bytes = Buffer.alloc(SLOT);
    bytes.writeDoubleLE(sequence, 0);
    bytes.writeDoubleLE(position.segment, 8);
    bytes.writeDoubleLE(position.offset, 16);
    bytes.writeUInt32LE(crc32(bytes.subarray(0, 24)), 24);
    await this.file.write(bytes, 0, SLOT, (sequence % 2) * SLOT);
    this.sequence = sequence;
    if (sync) await this.file.datasync();
  }

  /** Closes the file. */
  close(): Promise<void> {
    return this.file.close();
  }
}
