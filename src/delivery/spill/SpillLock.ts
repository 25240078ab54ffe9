import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SpillLockedError } from '../../errors.js';

// Folders locked by this process, so a lock file holding our own pid can be
// told apart: ours (refused) or left by an earlier process that had the same
// pid, as a restarted container's pid 1 does (stale).
const heldHere = new Set<string>();

interface LockContent {
  pid: number;
  hostname: string;
}

function parse(text: string): LockContent | undefined {
  try {
    const content = JSON.parse(text) as Partial<LockContent>;
    if (typeof content.pid === 'number' && Number.isInteger(content.pid) && typeof content.hostname === 'string') return content as LockContent;
  } catch {
    // unreadable: treated as stale below
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The exclusive lock of one spill folder: a file `lock` holding the owner's pid
 * and host name. It is created atomically with its content (written to a
 * unique temporary file, then hard-linked to `lock`, which fails if `lock`
 * exists: the same guarantee as `O_EXCL`, without a window where the file
 * exists but is empty). A lock whose process is gone (`process.kill(pid, 0)`
 * fails) is taken over; a lock of another host is never taken over.
 */
export class SpillLock {
  private constructor(
    readonly folder: string,
    private readonly text: string,
  ) {}

  /** Takes the lock of `folder` or throws {@link SpillLockedError} naming it and its holder. */
  static async acquire(folder: string, option: string): Promise<SpillLock> {
    const path = join(folder, 'lock');
    const content: LockContent = { pid: process.pid, hostname: hostname() };
    const text = `${JSON.stringify(content)}\n`;
    if (heldHere.has(folder)) throw new SpillLockedError(option, folder, process.pid, 'another spill of this process');
    // Reserved before the first await, so two opens in this process cannot both take it.
    heldHere.add(folder);
    try {
      await SpillLock.create(path, text, content, folder, option);
    } catch (error) {
      heldHere.delete(folder);
      throw error;
    }
    return new SpillLock(folder, text);
  }

  private static async create(path: string, text: string, content: LockContent, folder: string, option: string): Promise<void> {
    const temporary = join(folder, `lock.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    await writeFile(temporary, text);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await link(temporary, path);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
        }
        const holder = parse(await readFile(path, 'utf8').catch(() => ''));
        if (holder !== undefined) {
          if (holder.hostname !== content.hostname) throw new SpillLockedError(option, folder, holder.pid, `a process on host ${holder.hostname}`);
          if (holder.pid !== process.pid && isAlive(holder.pid)) throw new SpillLockedError(option, folder, holder.pid, 'another process');
        }
        // Stale: its process is gone (or it is ours from an earlier life); take it over.
        await unlink(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (!heldHere.delete(this.folder)) return;
    const path = join(this.folder, 'lock');
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === this.text) await unlink(path).catch(() => undefined);
  }
}
