import { type FileHandle, mkdir, open, readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeEvent } from '../../backends/logger/serializeEvent.js';
import { EventTrackError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import { encodeFrames, frameEnd, HEADER_BYTES, resync } from './frame.js';
import { SegmentReader } from './SegmentReader.js';
import { listSegments, segmentName, type SpillPosition, syncFolder } from './segmentFiles.js';
import { SpillCursor } from './SpillCursor.js';
import { SpillLock } from './SpillLock.js';
import { resolveSpillOptions, type SpillOptions } from './SpillOptions.js';

export type { SpillPosition } from './segmentFiles.js';

/** Why {@link SpillLog.append} did not write an event. */
export type SpillRefusalReason = 'spill-full' | 'unserializable' | 'io-error';

/** An event of an append that was not written; the caller counts it as dropped (or keeps it). */
export interface SpillRefusal {
  /** Index of the event in the array given to `append`. */
  readonly index: number;
  /**
   * `spill-full`: `maxBytes` reached; `unserializable`: its JSON could not be
   * built; `io-error`: the write (or, with `fsync: 'always'`, the flush)
   * failed. After a failed flush the events may still be on disk and be
   * replayed: refused events are not guaranteed absent, only not guaranteed kept.
   */
  readonly reason: SpillRefusalReason;
  /** The error, for `unserializable` and `io-error`. */
  readonly error?: unknown;
}

/** What {@link SpillLog.append} did. */
export interface SpillAppendResult {
  /** `ok` when every event was written; else the reason of the first refusal. */
  readonly status: 'ok' | SpillRefusalReason;
  /** Events written, in order (every event of the batch but the refused ones). */
  readonly appended: number;
  /** Events not written. With `spill-full`, those are the last events of the batch. */
  readonly refused: readonly SpillRefusal[];
  /**
   * Where the log ends after this append: give it to {@link SpillLog.ackThrough}
   * once these events are delivered another way (a write-ahead log).
   */
  readonly end: SpillPosition;
}

/** Events read from the log, to be acknowledged once delivered. */
export interface SpillBatch {
  /** The events, in the order they were appended (timestamps as `Date`). */
  readonly events: readonly TrackedEvent[];
  /** Their size on disk, headers included. */
  readonly bytes: number;
  /**
   * Marks the batch delivered. The persisted cursor moves past it once every
   * earlier batch is acknowledged too; segments wholly behind the cursor are
   * deleted. Resolves when the cursor is written. Calling it again, or after
   * {@link SpillLog.rewind}, does nothing.
   */
  ack(): Promise<void>;
}

/** Counters of one spill log since it was opened. */
export interface SpillCounters {
  /** Events appended. */
  appended: number;
  /** Events handed out by `readBatch` (again after a `rewind`). */
  read: number;
  /** Events of acknowledged batches. */
  acked: number;
  /** Torn tails cut off the last segment when the log was opened (a write cut short by a crash). */
  torn: number;
  /** Bytes of those torn tails. */
  tornBytes: number;
  /** Damaged stretches skipped while reading (a checksum mismatch, a record that does not parse). */
  corrupted: number;
  /** Bytes of those stretches. */
  corruptedBytes: number;
  /** Flushes of the segment being written (`fdatasync`). */
  syncs: number;
  /** Background flushes (`fsync: 'interval'`) that failed. */
  syncErrors: number;
}

interface Segment {
  readonly segment: number;
  size: number;
}

interface PendingBatch {
  readonly end: SpillPosition;
  readonly events: number;
  acked: boolean;
}

const noop = (): void => undefined;

function compare(a: SpillPosition, b: SpillPosition): number {
  return a.segment - b.segment || a.offset - b.offset;
}

/**
 * The durable spill of one backend: an append-only log of events in segment
 * files `<dir>/<backend>/00000000000000000001.seg`, …, each record framed as
 * `[u32 length][u32 CRC-32][event JSON]`, read in order from a persisted
 * cursor, with segments deleted once every record in them is acknowledged.
 *
 * A log opened on a folder that holds records resumes from its cursor, in
 * order; a torn last record (a crash in the middle of a write) is cut off and
 * counted (`counters.torn`); damaged records further in are skipped and
 * counted (`counters.corrupted`). An exclusive lock file keeps a second
 * process (or a second log of this one) out of the folder until `close`.
 *
 * Appends are serialised and each is one write per segment it touches;
 * durability follows {@link SpillOptions.fsync}.
 *
 * @example
 * ```ts
 * const log = await SpillLog.open('mongo', { dir: '/var/spool/eventtrack' });
 * const { refused } = await log.append(events);  // refused: spill-full → drops
 * const batch = await log.readBatch(500);          // in order, from the cursor
 * await backend.send(batch.events);
 * await batch.ack();                               // cursor moves, delivered segments deleted
 * await log.close();                               // releases the folder's lock
 * ```
 */
export class SpillLog {
  /** The resolved options. */
  readonly options: Readonly<SpillOptions>;
  /** The folder of this backend's segments: `<dir>/<backend>`. */
  readonly folder: string;
  private readonly option: string;
  private readonly stats: SpillCounters = { appended: 0, read: 0, acked: 0, torn: 0, tornBytes: 0, corrupted: 0, corruptedBytes: 0, syncs: 0, syncErrors: 0 };
  private state: 'new' | 'opening' | 'open' | 'closed' = 'new';
  private lock: SpillLock | undefined;
  private cursorFile: SpillCursor | undefined;
  private segments: Segment[] = [];
  private diskBytes = 0;
  /** The next segment number to create. */
  private nextSegment = 1;
  /** The segment being appended to (the last of `segments`), when one is open. */
  private writer: FileHandle | undefined;
  private cursor: SpillPosition = { segment: 1, offset: 0 };
  private readHead: SpillPosition = { segment: 1, offset: 0 };
  private pending: PendingBatch[] = [];
  private generation = 0;
  /** Changes whenever the read head is moved other than by reading. */
  private readEpoch = 0;
  private readonly reader: SegmentReader;
  private io: Promise<void> = Promise.resolve();
  private reading: Promise<unknown> = Promise.resolve();
  private syncTimer: ReturnType<typeof setTimeout> | undefined;
  private folderDirty = false;
  private nextSync: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /**
   * Validates the options (a `ConfigurationError` names the bad one, as
   * `<prefix>.maxBytes`); no file is touched before {@link open}.
   *
   * @param backend The backend's name: its subfolder (URI-encoded when it holds characters a path cannot).
   * @param prefix How the options are named in errors. Default `delivery.spill`.
   */
  constructor(backend: string, options: Partial<SpillOptions> & { dir: string }, prefix = 'delivery.spill') {
    this.options = Object.freeze(resolveSpillOptions(options, prefix));
    this.option = `${prefix}.dir`;
    if (typeof backend !== 'string' || backend === '') throw new EventTrackError(`a spill needs a backend name, got ${JSON.stringify(backend)}`);
    const name = encodeURIComponent(backend).replace(/^\.\.?$/, (dots) => dots.replaceAll('.', '%2E'));
    this.folder = join(this.options.dir, name);
    this.reader = new SegmentReader(this.folder);
  }

  /** Creates and opens a log: `new SpillLog(...)` then {@link open}. */
  static async open(backend: string, options: Partial<SpillOptions> & { dir: string }, prefix?: string): Promise<SpillLog> {
    const log = new SpillLog(backend, options, prefix);
    await log.open();
    return log;
  }

  /**
   * Takes the folder's lock (or throws `SpillLockedError` naming the folder and
   * the holder's pid), reads the cursor, deletes segments already delivered,
   * and cuts a torn tail off the last segment. New appends go to a new segment.
   */
  async open(): Promise<void> {
    if (this.state !== 'new') throw new EventTrackError(`the spill log of ${this.folder} was already opened`);
    this.state = 'opening';
    try {
      await mkdir(this.folder, { recursive: true });
      this.lock = await SpillLock.acquire(this.folder, this.option);
    } catch (error) {
      this.state = 'closed';
      throw error;
    }
    try {
      await this.recover();
      if (this.state !== 'opening') throw new EventTrackError(`the spill log of ${this.folder} was closed while it opened`);
    } catch (error) {
      await this.cursorFile?.close().catch(noop);
      await this.lock.release();
      this.state = 'closed';
      throw error;
    }
    this.state = 'open';
  }

  /** Bytes of the segment files on disk (what `maxBytes` bounds). */
  get bytes(): number {
    return this.diskBytes;
  }

  /** Bytes of records not yet acknowledged. */
  get pendingBytes(): number {
    return this.bytesFrom(this.cursor);
  }

  /** Bytes of records not yet handed out by `readBatch`; 0 when the reader has caught up. */
  get unreadBytes(): number {
    return this.bytesFrom(this.readHead);
  }

  /** Counters since the log was opened (a copy). */
  get counters(): Readonly<SpillCounters> {
    return { ...this.stats };
  }

  /**
   * Appends the events in order, one write per segment touched. Events that
   * would take the segment files beyond `maxBytes` are refused (`spill-full`),
   * as are events whose JSON cannot be built and, if the disk fails, the
   * events not written. Once the promise resolves, the written events survive
   * a crash of the process (and a power loss with `fsync: 'always'`).
   * Rejects only when the log is not open.
   */
  append(events: readonly TrackedEvent[]): Promise<SpillAppendResult> {
    if (this.state !== 'open') return Promise.reject(new EventTrackError(`the spill log of ${this.folder} is not open`));
    const written = this.enqueue(() => this.write(events));
    if (this.options.fsync !== 'always') return written;
    return written.then(async (result) => {
      if (result.appended === 0) return result;
      try {
        await this.groupSync();
        return result;
      } catch (error) {
        const refused = new Map(result.refused.map((r) => [r.index, r]));
        for (let i = 0; i < events.length; i++) if (!refused.has(i)) refused.set(i, { index: i, reason: 'io-error', error });
        return { status: 'io-error', appended: 0, refused: [...refused.values()].sort((a, b) => a.index - b.index), end: result.end };
      }
    });
  }

  /**
   * Reads up to `max` events (and, past the first, no more than `maxBytes` of
   * records) from where the previous read stopped. An empty batch means the
   * reader has caught up.
   */
  readBatch(max: number, maxBytes = Number.POSITIVE_INFINITY): Promise<SpillBatch> {
    if (this.state !== 'open') return Promise.reject(new EventTrackError(`the spill log of ${this.folder} is not open`));
    const run = this.reading.then(() => this.read(Math.max(1, max), maxBytes));
    this.reading = run.catch(noop);
    return run;
  }

  /**
   * Acknowledges every record before `position` (an append's `end`), for a log
   * used as a write-ahead log whose events were delivered from memory: the
   * cursor moves there (never back), reading resumes after it, and segments
   * wholly behind it are deleted. Batches read before it are covered: their
   * `ack` then does nothing more. (`counters.acked` counts only batch acks.)
   */
  ackThrough(position: SpillPosition): Promise<void> {
    if (this.state !== 'open' || compare(position, this.cursor) <= 0) return Promise.resolve();
    this.pending = this.pending.filter((batch) => compare(batch.end, position) > 0);
    if (compare(this.readHead, position) < 0) {
      this.readHead = position;
      this.readEpoch++;
    }
    return this.enqueue(() => this.moveCursor(position));
  }

  /**
   * Forgets what was read but not acknowledged: the next `readBatch` starts
   * again at the cursor, and the outstanding batches' `ack` does nothing.
   */
  rewind(): void {
    this.generation++;
    this.readEpoch++;
    this.pending = [];
    this.readHead = this.cursor;
  }

  /** Flushes appended records to disk now, whatever the `fsync` policy. */
  sync(): Promise<void> {
    if (this.state !== 'open') return Promise.resolve();
    return this.enqueue(() => this.syncNow());
  }

  /** Waits for pending appends and acks, flushes (unless `fsync: 'never'`), closes the files and releases the lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    this.state = 'closed';
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.io;
    await this.reading;
    try {
      if (this.options.fsync !== 'never') await this.syncNow();
    } finally {
      await this.writer?.close().catch(noop);
      this.writer = undefined;
      await this.reader.close().catch(noop);
      await this.cursorFile?.close().catch(noop);
      await this.lock?.release();
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.io.then(task);
    this.io = run.then(noop, noop);
    return run;
  }

  private async recover(): Promise<void> {
    const found = await listSegments(this.folder);
    this.cursorFile = await SpillCursor.open(this.folder);
    const cursor = this.cursorFile.initial ?? { segment: found[0]?.segment ?? 1, offset: 0 };
    const last = found.at(-1);
    this.nextSegment = Math.max(cursor.segment, (last?.segment ?? 0) + 1, 1);
    if (last !== undefined && last.segment >= cursor.segment) await this.cutTornTail(last, last.segment === cursor.segment ? cursor.offset : 0);
    for (const segment of found) {
      if (segment.segment < cursor.segment || segment.size === 0) await unlink(join(this.folder, segmentName(segment.segment)));
      else this.segments.push(segment);
    }
    this.diskBytes = this.segments.reduce((sum, s) => sum + s.size, 0);
    this.cursor = this.normalize(cursor);
    this.readHead = this.cursor;
  }

  // A write cut short leaves a partial record at the end of the last segment:
  // it is cut off, so that what follows in the log starts on a record boundary.
  // Damage followed by valid records is left for the reader to skip and count.
  private async cutTornTail(segment: Segment, from: number): Promise<void> {
    const path = join(this.folder, segmentName(segment.segment));
    const buffer = await readFile(path);
    let at = Math.min(from, buffer.length);
    while (at < buffer.length) {
      const end = frameEnd(buffer, at, buffer.length);
      if (end !== -1) {
        at = end;
        continue;
      }
      const next = resync(buffer, at, buffer.length);
      if (next !== -1) {
        at = next;
        continue;
      }
      this.stats.torn++;
      this.stats.tornBytes += buffer.length - at;
      await truncate(path, at);
      break;
    }
    segment.size = at;
  }

  /** The same place, moved past segments that are fully read and will never grow. */
  private normalize(position: SpillPosition): SpillPosition {
    for (const segment of this.segments) {
      if (segment.segment < position.segment) continue;
      if (segment.segment > position.segment) return { segment: segment.segment, offset: 0 };
      const active = this.writer !== undefined && segment === this.segments.at(-1);
      if (position.offset < segment.size || active) return { segment: segment.segment, offset: Math.min(position.offset, segment.size) };
    }
    return { segment: this.nextSegment, offset: 0 };
  }

  private bytesFrom(position: SpillPosition): number {
    let bytes = 0;
    for (const segment of this.segments) {
      if (segment.segment > position.segment) bytes += segment.size;
      else if (segment.segment === position.segment) bytes += Math.max(0, segment.size - position.offset);
    }
    return bytes;
  }

  private async write(events: readonly TrackedEvent[]): Promise<SpillAppendResult> {
    const refused: SpillRefusal[] = [];
    const payloads: string[] = [];
    const lengths: number[] = [];
    const indexes: number[] = [];
    for (let i = 0; i < events.length; i++) {
      try {
        const payload = serializeEvent(events[i]!);
        payloads.push(payload);
        lengths.push(Buffer.byteLength(payload));
        indexes.push(i);
      } catch (error) {
        refused.push({ index: i, reason: 'unserializable', error });
      }
    }
    // What fits under maxBytes: a prefix, so that the log keeps the batch's order.
    let fits = 0;
    for (let room = this.options.maxBytes - this.diskBytes; fits < payloads.length; fits++) {
      room -= HEADER_BYTES + lengths[fits]!;
      if (room < 0) break;
    }
    let written = 0;
    try {
      while (written < fits) {
        let size = this.writer === undefined ? this.options.segmentBytes : this.segments.at(-1)!.size;
        if (size + HEADER_BYTES + lengths[written]! > this.options.segmentBytes && size > 0) {
          await this.roll();
          size = 0;
        }
        let end = written + 1;
        for (size += HEADER_BYTES + lengths[written]!; end < fits && size + HEADER_BYTES + lengths[end]! <= this.options.segmentBytes; end++) {
          size += HEADER_BYTES + lengths[end]!;
        }
        await this.writeFrames(encodeFrames(payloads, lengths, written, end));
        written = end;
      }
      if (this.options.fsync === 'interval' && written > 0) this.scheduleSync();
    } catch (error) {
      for (let i = written; i < fits; i++) refused.push({ index: indexes[i]!, reason: 'io-error', error });
      // The next append starts a new segment rather than write after a failure.
      const writer = this.writer;
      this.writer = undefined;
      await writer?.close().catch(noop);
    }
    for (let i = fits; i < payloads.length; i++) refused.push({ index: indexes[i]!, reason: 'spill-full' });
    this.stats.appended += written;
    const last = this.segments.at(-1);
    const end = last === undefined ? this.cursor : { segment: last.segment, offset: last.size };
    if (refused.length === 0) return { status: 'ok', appended: written, refused, end };
    refused.sort((a, b) => a.index - b.index);
    const first = refused.find((r) => r.reason !== 'unserializable') ?? refused[0]!;
    return { status: first.reason, appended: written, refused, end };
  }

  /** Closes the segment being written (flushed first unless `fsync: 'never'`) and starts the next. */
  private async roll(): Promise<void> {
    const previous = this.writer;
    this.writer = undefined;
    if (previous !== undefined) {
      try {
        if (this.options.fsync !== 'never') await previous.datasync();
      } finally {
        await previous.close();
      }
    }
    const segment = this.nextSegment;
    this.writer = await open(join(this.folder, segmentName(segment)), 'wx');
    this.nextSegment = segment + 1;
    this.segments.push({ segment, size: 0 });
    if (this.options.fsync === 'always') await syncFolder(this.folder);
    else this.folderDirty = true;
  }

  private async writeFrames(frames: Buffer): Promise<void> {
    const segment = this.segments.at(-1)!;
    let done = 0;
    try {
      while (done < frames.length) {
        const { bytesWritten } = await this.writer!.write(frames, done, frames.length - done, segment.size + done);
        done += bytesWritten;
      }
    } catch (error) {
      // Leave the segment ending on a record boundary.
      await this.writer!.truncate(segment.size).catch(noop);
      throw error;
    }
    this.reader.offer(segment.segment, segment.size, frames);
    segment.size += frames.length;
    this.diskBytes += frames.length;
  }

  private scheduleSync(): void {
    if (this.syncTimer !== undefined) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      if (this.state === 'open') {
        this.enqueue(() => this.syncNow()).catch(() => {
          this.stats.syncErrors++;
        });
      }
    }, this.options.fsyncIntervalMs);
    this.syncTimer.unref();
  }

  // fsync 'always': one flush for every append written before it starts (group commit),
  // so appends made while a flush runs share the next one.
  private groupSync(): Promise<void> {
    this.nextSync ??= this.enqueue(() => {
      this.nextSync = undefined;
      return this.syncNow();
    });
    return this.nextSync;
  }

  private async syncNow(): Promise<void> {
    if (this.writer !== undefined) {
      await this.writer.datasync();
      this.stats.syncs++;
    }
    if (this.folderDirty) {
      this.folderDirty = false;
      await syncFolder(this.folder);
    }
  }

  private async read(max: number, maxBytes: number): Promise<SpillBatch> {
    for (;;) {
      const epoch = this.readEpoch;
      const start = this.readHead;
      const result = await this.readFrom(start, max, maxBytes);
      // Rewound or acknowledged past while reading: read again from the new place.
      if (epoch !== this.readEpoch) continue;
      this.readHead = result.head;
      this.stats.read += result.events.length;
      this.stats.corrupted += result.damaged;
      this.stats.corruptedBytes += result.damagedBytes;
      return this.batch(start, result.head, result.events, result.bytes);
    }
  }

  private async readFrom(
    start: SpillPosition,
    max: number,
    maxBytes: number,
  ): Promise<{ events: TrackedEvent[]; bytes: number; head: SpillPosition; damaged: number; damagedBytes: number }> {
    const events: TrackedEvent[] = [];
    let bytes = 0;
    let damaged = 0;
    let damagedBytes = 0;
    let head = start;
    let segment: Segment | undefined;
    while (events.length < max) {
      if (segment === undefined || head.offset >= segment.size) {
        const position = this.normalize(head);
        head = position;
        segment = this.segments.find((s) => s.segment === position.segment);
        if (segment === undefined || position.offset >= segment.size) break;
      }
      const limit = segment.size;
      const at = head.offset;
      await this.reader.load(segment.segment, at, Math.min(at + HEADER_BYTES, limit), limit);
      let end = -1;
      if (at + HEADER_BYTES <= limit) {
        const length = this.reader.buffer.readUInt32LE(at - this.reader.start);
        if (at + HEADER_BYTES + length <= limit) {
          if (events.length > 0 && bytes + HEADER_BYTES + length > maxBytes) break;
          await this.reader.load(segment.segment, at, at + HEADER_BYTES + length, limit);
          const base = this.reader.start;
          end = frameEnd(this.reader.buffer, at - base, Math.min(limit - base, this.reader.buffer.length));
          if (end !== -1) end += base;
        }
      }
      const event = end === -1 ? undefined : this.decode(at, end);
      if (event === undefined) {
        // Damage: skipped to the next valid record in the segment (or its end), counted once per stretch.
        const next = end === -1 ? await this.nextValid(segment.segment, at, limit) : end;
        damaged++;
        damagedBytes += next - at;
        head = { segment: segment.segment, offset: next };
        continue;
      }
      events.push(event);
      bytes += end - at;
      head = { segment: segment.segment, offset: end };
    }
    return { events, bytes, head, damaged, damagedBytes };
  }

  private decode(at: number, end: number): TrackedEvent | undefined {
    const base = this.reader.start;
    try {
      const value = JSON.parse(this.reader.buffer.toString('utf8', at - base + HEADER_BYTES, end - base)) as Record<string, unknown>;
      if (typeof value['id'] !== 'string' || typeof value['name'] !== 'string' || typeof value['timestamp'] !== 'string') return undefined;
      value['timestamp'] = new Date(value['timestamp']);
      return value as unknown as TrackedEvent;
    } catch {
      return undefined;
    }
  }

  /** Where the next valid record after damage at `at` starts, or the segment's end. */
  private async nextValid(segment: number, at: number, limit: number): Promise<number> {
    await this.reader.load(segment, at, limit, limit);
    const base = this.reader.start;
    const found = resync(this.reader.buffer, at - base, limit - base);
    return found === -1 ? limit : found + base;
  }

  private batch(start: SpillPosition, end: SpillPosition, events: TrackedEvent[], bytes: number): SpillBatch {
    if (end.segment === start.segment && end.offset === start.offset) return { events, bytes, ack: () => Promise.resolve() };
    const pending: PendingBatch = { end, events: events.length, acked: events.length === 0 };
    this.pending.push(pending);
    const generation = this.generation;
    let acked: Promise<void> | undefined;
    const ack = (): Promise<void> => {
      acked ??= generation === this.generation && this.state === 'open' ? this.acknowledge(pending) : Promise.resolve();
      return acked;
    };
    // A batch of damaged records only: nothing to deliver, acknowledged at once.
    if (events.length === 0) void ack().catch(noop);
    return { events, bytes, ack };
  }

  private acknowledge(batch: PendingBatch): Promise<void> {
    batch.acked = true;
    let cursor: SpillPosition | undefined;
    let count = 0;
    while (this.pending[0]?.acked === true) {
      const done = this.pending.shift()!;
      cursor = done.end;
      count += done.events;
    }
    if (cursor === undefined) return Promise.resolve();
    const to = cursor;
    return this.enqueue(async () => {
      this.stats.acked += count;
      await this.moveCursor(to);
    });
  }

  private async moveCursor(to: SpillPosition): Promise<void> {
    if (compare(to, this.cursor) <= 0) return;
    const last = this.segments.at(-1);
    // Caught up with the writer on a segment a quarter full: close it so that it is deleted
    // now rather than when it fills (sooner would cost a file creation per batch).
    if (this.writer !== undefined && last !== undefined && to.segment === last.segment && to.offset >= last.size && last.size >= this.options.segmentBytes / 4) {
      const writer = this.writer;
      this.writer = undefined;
      await writer.close();
    }
    this.cursor = this.normalize(to);
    if (this.readHead.segment < this.cursor.segment) {
      this.readHead = this.cursor;
      this.readEpoch++;
    }
    await this.cursorFile!.write(this.cursor, this.options.fsync === 'always');
    while (this.segments.length > 0 && this.segments[0]!.segment < this.cursor.segment) {
      const done = this.segments.shift()!;
      this.diskBytes -= done.size;
      await unlink(join(this.folder, segmentName(done.segment)));
    }
  }
}
