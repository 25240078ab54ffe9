import { type FileHandle, open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { ConfigurationError, PartialDeliveryError, type EventFailure } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import type { Backend } from '../Backend.js';
import { isEdxLegacyOutput, toEdxLegacy, toEdxLogLine } from '../../processors/edxLegacy.js';
import { serializeEvent } from './serializeEvent.js';

/** The part of a pino-compatible logger the backend uses: one method per level taking an object and a message. */
export type PinoLikeLogger = Record<string, unknown> & {
  info(obj: object, msg?: string): void;
};

/**
 * What one line holds:
 * - `'event'`: the eventtrack envelope `{id, name, timestamp, context, data}`;
 * - `'edx'`: the line edX's logger backend writes, the edX legacy record at
 *   the top level (`name`, `context`, `username`, …, `event`, `time`,
 *   `event_type`, `event_source`, `page`) as Python's `json.dumps` writes it;
 *   an event already converted by `edxLegacy()` is written as it is;
 * - a function: the line for an event (a trailing newline is added when missing).
 *   It may throw to fail that event alone. Not with `logger`.
 */
export type LoggerFormat = 'event' | 'edx' | ((event: TrackedEvent) => string);

/** Options of {@link LoggerBackend}: give at most one of `stream`, `path`, `logger`. */
export interface LoggerBackendOptions {
  /** Writable stream that receives one JSON line per event, one write per batch. Default `process.stdout`. */
  stream?: Writable;
  /** File the JSON lines are appended to (created if missing), one write per batch. */
  path?: string;
  /** A pino-compatible logger; each event is handed to `logger[level](event, event.name)`. */
  logger?: PinoLikeLogger;
  /** Logger method used with `logger`. Default `'info'`. */
  level?: string;
  /** What a line holds; see {@link LoggerFormat}. With `logger`, `'edx'` hands the legacy record object to it. Default `'event'`. */
  format?: LoggerFormat;
}

/** Defaults of {@link LoggerBackendOptions}. */
export const DEFAULT_LOGGER_BACKEND_OPTIONS = Object.freeze({ level: 'info', format: 'event' as LoggerFormat });

function lineOf(format: (event: TrackedEvent) => string): (event: TrackedEvent) => string {
  return (event) => {
    const line = format(event);
    if (typeof line !== 'string') throw new TypeError(`the format function returned ${typeof line}, not a string`);
    return line.endsWith('\n') ? line : `${line}\n`;
  };
}

/**
 * Writes events as JSON lines (`{id, name, timestamp, context, data}`, ISO-8601
 * UTC timestamps; or edX tracking-log lines with `format: 'edx'`) to a stream,
 * a file or a pino-style logger. A `data` or `context` a processor removed is
 * written as `{}`; an event whose line cannot be JSON (a name that is not a
 * string, a function as `data`) fails alone, not retried. Unlike edX's
 * logger backend, no event is truncated or silently dropped: an event that
 * cannot be serialised is reported for that event alone.
 */
export class LoggerBackend implements Backend {
  /** Delivery defaults: larger batches (one write each), so that a file keeps up with bursts. */
  readonly delivery = Object.freeze({ batchSize: 2_000 });
  private readonly stream: Writable | undefined;
  private readonly path: string | undefined;
  private readonly logger: PinoLikeLogger | undefined;
  private readonly level: string;
  private readonly format: LoggerFormat;
  private readonly serialize: (event: TrackedEvent) => string;
  private file: Promise<FileHandle> | undefined;

  constructor(options: LoggerBackendOptions = {}) {
    const given = (['stream', 'path', 'logger'] as const).filter((key) => options[key] !== undefined);
    if (given.length > 1) throw new ConfigurationError(given[1]!, `give only one of stream, path and logger (got ${given.join(' and ')})`);
    this.level = options.level ?? DEFAULT_LOGGER_BACKEND_OPTIONS.level;
    if (options.logger !== undefined && typeof options.logger[this.level] !== 'function') {
      throw new ConfigurationError('level', `the logger has no method "${this.level}"`);
    }
    if (options.path !== undefined && (typeof options.path !== 'string' || options.path === '')) {
      throw new ConfigurationError('path', 'expected a non-empty file path');
    }
    this.format = options.format ?? DEFAULT_LOGGER_BACKEND_OPTIONS.format;
    if (this.format !== 'event' && this.format !== 'edx' && typeof this.format !== 'function') {
      throw new ConfigurationError('format', `expected 'event', 'edx' or a function, got ${JSON.stringify(this.format)}`);
    }
    if (typeof this.format === 'function' && options.logger !== undefined) {
      throw new ConfigurationError('format', 'a format function writes lines: give `stream` or `path`, not `logger`');
    }
    this.serialize = this.format === 'event' ? serializeEvent : lineOf(this.format === 'edx' ? toEdxLogLine : this.format);
    this.logger = options.logger;
    this.path = options.path;
    this.stream = options.logger === undefined && options.path === undefined ? (options.stream ?? process.stdout) : undefined;
  }

  async send(events: readonly TrackedEvent[]): Promise<void> {
    if (this.logger !== undefined) return this.log(events);
    const failures: EventFailure[] = [];
    const lines: string[] = [];
    for (let i = 0; i < events.length; i++) {
      try {
        lines.push(this.serialize(events[i]!));
      } catch (error) {
        failures.push({ index: i, error, retryable: false });
      }
    }
    if (lines.length > 0) await this.write(lines.join(''));
    if (failures.length > 0) throw new PartialDeliveryError(failures, `${failures.length} event(s) could not be serialised`);
  }

  async flush(): Promise<void> {
    if (this.file !== undefined) await (await this.file).datasync();
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (file !== undefined) await (await file).close();
  }

  private log(events: readonly TrackedEvent[]): void {
    const method = this.logger![this.level] as (obj: object, msg?: string) => void;
    const failures: EventFailure[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      try {
        const record = this.format === 'edx'
          ? (isEdxLegacyOutput(event) ? event.data : toEdxLegacy(event))
          : { id: event.id, name: event.name, timestamp: event.timestamp.toISOString(), context: event.context ?? {}, data: event.data ?? {} };
        method.call(this.logger, record, event.name);
      } catch (error) {
        // Only the events the logger refused are retried; the others are logged once.
        failures.push({ index: i, error, retryable: true });
      }
    }
    if (failures.length > 0) throw new PartialDeliveryError(failures, `the logger threw on ${failures.length} event(s)`);
  }

  private async write(text: string): Promise<void> {
    if (this.path !== undefined) {
      this.file ??= open(this.path, 'a');
      try {
        await (await this.file).write(text);
      } catch (error) {
        this.file = undefined; // reopen on the retry
        throw error;
      }
      return;
    }
    const stream = this.stream!;
    await new Promise<void>((resolve, reject) => {
      const ok = stream.write(text, (error) => (error ? reject(error) : ok && resolve()));
      if (!ok) stream.once('drain', resolve);
    });
  }
}
