// File names and small files of a spill folder: segments, the read cursor.
import { open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A place in the log: a byte offset in a segment. */
export interface SpillPosition {
  /** The segment's sequence number (its file name). */
  readonly segment: number;
  /** Byte offset of a record boundary in that segment. */
  readonly offset: number;
}

const SEGMENT = /^(\d{20})\.seg$/;
const CURSOR = 'cursor';

/** `00000000000000000001.seg` for segment 1: names sort as numbers. */
export function segmentName(segment: number): string {
  return `${String(segment).padStart(20, '0')}.seg`;
}

/** The segments in a folder, in order, with their sizes. */
export async function listSegments(folder: string): Promise<{ segment: number; size: number }[]> {
  const found: { segment: number; size: number }[] = [];
  for (const name of await readdir(folder)) {
    const match = SEGMENT.exec(name);
    if (match === null) continue;
    found.push({ segment: Number(match[1]), size: (await stat(join(folder, name))).size });
  }
  return found.sort((a, b) => a.segment - b.segment);
}

/** The persisted read cursor, or undefined when there is none (or it cannot be read: the log is then read from its start). */
export async function readCursor(folder: string): Promise<SpillPosition | undefined> {
  try {
    const value = JSON.parse(await readFile(join(folder, CURSOR), 'utf8')) as Partial<SpillPosition>;
    if (Number.isSafeInteger(value.segment) && Number.isSafeInteger(value.offset) && value.offset! >= 0) return value as SpillPosition;
  } catch {
    // missing or unreadable
  }
  return undefined;
}

/**
 * Replaces the cursor atomically: written to `cursor.tmp`, then renamed over
 * `cursor`, so a crash leaves either the old or the new one. With `sync`, the
 * new file is flushed before the rename (a power loss then leaves one of the
 * two as well).
 */
export async function writeCursor(folder: string, position: SpillPosition, sync: boolean): Promise<void> {
  const temporary = join(folder, `${CURSOR}.tmp`);
  const text = `{"segment":${position.segment},"offset":${position.offset}}\n`;
  if (sync) {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text);
      await file.datasync();
    } finally {
      await file.close();
    }
  } else {
    await writeFile(temporary, text);
  }
  await rename(temporary, join(folder, CURSOR));
}

/** Flushes a folder's entries (new or renamed files) to disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
