import { link, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import type * as os from 'node:os';
import { builtin } from '../../event/builtin.js';
import { join } from 'node:path';
import { SpillLockedError } from '../../errors.js';

// Folders locked by this process, so a lock file holding our own pid can be
// told apart: ours (refused) or left by an earlier process that had the same
// pid, as a restarted container's pid 1 does (stale).
const heldHere = new Set<string>();

// The holder touches its lock file this often; a lock of another host (whose
// pid cannot be checked from here) untouched for STALE_MS is taken over, so a
// container recreated under a new host name is not locked out of its volume.
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;

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
 * fails) is taken over. The holder touches the file every 10 s; a lock of
 * another host (a folder shared over the network) is taken over only once
 * untouched for a minute.
 */
export class SpillLock {
  private readonly heartbeat: ReturnType<typeof setInterval>;

  private constructor(
    readonly folder: string,
    private readonly text: string,
  ) {
    const path = join(folder, 'lock');
    this.heartbeat = setInterval(() => {
      const now = new Date();
      utimes(path, now, now).catch(() => undefined);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Takes the lock of `folder` or throws {@link SpillLockedError} naming it and its holder. */
  static async acquire(folder: string, option: string): Promise<SpillLock> {
    const path = join(folder, 'lock');
    const content: LockContent = { pid: process.pid, hostname: builtin<typeof os>('node:os').hostname() };
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
          if (holder.hostname !== content.hostname) {
            const touched = await stat(path).then((s) => s.mtimeMs, () => 0);
            if (Date.now() - touched < STALE_MS) throw new SpillLockedError(option, folder, holder.pid, `a process on host ${holder.hostname}`);
          } else if (holder.pid !== process.pid && isAlive(holder.pid)) {
            throw new SpillLockedError(option, folder, holder.pid, 'another process');
          }
        }
        // Stale: its process is gone (or it is ours from an earlier life, or its host stopped touching it); take it over.
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
    clearInterval(this.heartbeat);
    if (!heldHere.delete(this.folder)) return;
    const path = join(this.folder, 'lock');
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === this.text) await unlink(path).catch(() => undefined);
  }
}
