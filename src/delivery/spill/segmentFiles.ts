// The segment files of a spill folder.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A place in the log: a byte offset in a segment. */
export interface SpillPosition {
  /** The segment's sequence number (its file name). */
  readonly segment: number;
  /** Byte offset of a record boundary in that segment. */
  readonly offset: number;
}

const SEGMENT = /^(\d{20})\.seg$/;

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

/** Flushes a folder's entries (new or renamed files) to disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
