import { ConfigurationError } from '../../errors.js';

/**
 * When the delivery layer writes an event to the spill (used by the Dispatcher,
 * not by the spill log itself):
 * - `overflow`: only what memory cannot hold or a failing backend cannot take;
 * - `always`: every event, before it is queued (a write-ahead log).
 */
export type SpillMode = 'overflow' | 'always';

/**
 * When appended records are forced from the OS page cache to the disk.
 *
 * Whatever the policy, a record whose `append` resolved has been handed to
 * the kernel: it survives a crash or SIGKILL of the process. What survives a
 * power loss or a kernel crash depends on the policy:
 * - `always`: every `append` is followed by `fdatasync` before it resolves
 *   (and new segment files by a sync of the folder): nothing acknowledged is
 *   lost; the slowest (one disk flush per batch).
 * - `interval` (default): at most `fsyncIntervalMs` after an append, the
 *   segment is flushed in the background: a power loss loses at most the
 *   appends of that last interval, and a record cut in half is detected by its
 *   checksum and counted; throughput close to `never`.
 * - `never`: the OS flushes when it likes (typically within 30 s on Linux).
 */
export type SpillFsync = 'always' | 'interval' | 'never';

/** Options of the durable spill (`delivery.spill`). */
export interface SpillOptions {
  /** Folder of the spill; each backend gets its own subfolder `<dir>/<backend>`. Required. */
  dir: string;
  /** What is written to the spill (see {@link SpillMode}). Default `'overflow'`. */
  mode: SpillMode;
  /**
   * Most bytes the segment files of one backend may hold on disk; an append
   * beyond it is refused and its events are dropped as `spill-full`.
   * Delivered records stay on disk until their whole segment is delivered, so
   * up to one segment of it may be records already delivered. Default 1 GiB.
   */
  maxBytes: number;
  /**
   * Size at which the segment being written is closed and a new one started,
   * in bytes; at most half of `maxBytes`. Default 16 MiB, or `maxBytes / 8`
   * when that is smaller.
   */
  segmentBytes: number;
  /** Disk flush policy (see {@link SpillFsync}). Default `'interval'`. */
  fsync: SpillFsync;
  /** With `fsync: 'interval'`, longest time an appended record stays unflushed, in ms. Default 1 000. */
  fsyncIntervalMs: number;
}

/** The defaults of {@link SpillOptions} (every field but `dir`). */
export const DEFAULT_SPILL_OPTIONS: Readonly<Omit<SpillOptions, 'dir'>> = Object.freeze({
  mode: 'overflow',
  maxBytes: 1024 ** 3,
  segmentBytes: 16 * 1024 ** 2,
  fsync: 'interval',
  fsyncIntervalMs: 1_000,
});

function integer(option: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigurationError(option, `expected an integer ≥ ${min}, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

function oneOf(option: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) {
    throw new ConfigurationError(option, `expected ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/** Fills in defaults and validates; `prefix` names the option in errors (`delivery.spill`, `backends.mongo.delivery.spill`). */
export function resolveSpillOptions(options: Partial<SpillOptions> | undefined, prefix = 'delivery.spill'): SpillOptions {
  const o = { ...DEFAULT_SPILL_OPTIONS, ...options } as SpillOptions;
  if (options?.segmentBytes === undefined && Number.isSafeInteger(o.maxBytes)) {
    o.segmentBytes = Math.max(64, Math.min(DEFAULT_SPILL_OPTIONS.segmentBytes, Math.floor(o.maxBytes / 8)));
  }
  if (typeof o.dir !== 'string' || o.dir.trim() === '') {
    throw new ConfigurationError(`${prefix}.dir`, `expected the path of a folder, got ${JSON.stringify(o.dir) ?? String(o.dir)}`);
  }
  oneOf(`${prefix}.mode`, o.mode, ['overflow', 'always']);
  integer(`${prefix}.maxBytes`, o.maxBytes, 1024);
  // A record's length is a u32; the header alone is 8 bytes.
  integer(`${prefix}.segmentBytes`, o.segmentBytes, 64);
  if (o.segmentBytes > 0xffff_ffff) throw new ConfigurationError(`${prefix}.segmentBytes`, `expected at most 4 GiB − 1, got ${o.segmentBytes}`);
  // Delivered records wait in their segment until all of it is delivered: with
  // segments up to half of maxBytes, they can never fill the spill by themselves.
  if (o.segmentBytes > o.maxBytes / 2) {
    throw new ConfigurationError(`${prefix}.segmentBytes`, `expected at most half of maxBytes (${o.maxBytes}), got ${o.segmentBytes}`);
  }
  oneOf(`${prefix}.fsync`, o.fsync, ['always', 'interval', 'never']);
  integer(`${prefix}.fsyncIntervalMs`, o.fsyncIntervalMs, 1);
  return o;
}
