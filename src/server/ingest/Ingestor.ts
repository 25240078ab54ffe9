import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { ValidationError } from '../../errors.js';
import { MAX_DEPTH } from '../../event/normalize.js';
import type { FlatContext } from '../../event/TrackedEvent.js';
import type { Tracker } from '../../tracker/Tracker.js';
import type { DropNotice } from '../../tracker/TrackerEvents.js';
import { EVENT_SCHEMA, type EventInput } from './eventSchema.js';
import type { Rejection } from './Rejection.js';

/** What the service adds to every event as `context.ingest`. */
export interface IngestContext {
  /** The id of the API key (never the key). */
  key: string;
  /** The client address (the socket peer, or a forwarded address under `trustProxy`). */
  ip?: string;
  userAgent?: string;
}

/** The answer to one batch. */
export interface IngestResult {
  accepted: number;
  rejected: Rejection[];
}

/** Earliest client timestamp honoured: 1971-01-01T00:00:00Z (earlier values are mostly seconds sent as ms, or zeros). */
export const MIN_CLIENT_TIMESTAMP = Date.UTC(1971, 0, 1);

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

const FIELD_REASONS: Record<string, string> = { name: 'invalid-name', data: 'invalid-data', context: 'invalid-context', id: 'invalid-id', timestamp: 'invalid-timestamp' };

function schemaRejection(index: number, error: ErrorObject): Rejection {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const field = error.instancePath.split('/')[1] ?? params.missingProperty;
  if (params.additionalProperty !== undefined) {
    return { index, reason: 'invalid-shape', message: `unknown field "${params.additionalProperty}" (an event has name, data, context, timestamp, id)` };
  }
  if (field !== undefined && FIELD_REASONS[field] !== undefined) return { index, reason: FIELD_REASONS[field], message: `${field} ${error.message ?? 'is invalid'}` };
  return { index, reason: 'invalid-shape', message: `an event must be an object with a "name" (${error.message ?? 'invalid'})` };
}

/** `forbidden-key` for a `__proto__` key, `too-deep` past the tracker's nesting limit, else `undefined`. */
function checkTree(root: object, field: string): [reason: string, message: string] | undefined {
  const problem = walk(root, 0);
  if (problem === undefined) return undefined;
  return problem === 'too-deep' ? ['too-deep', `${field} is nested deeper than ${MAX_DEPTH} levels`] : ['forbidden-key', `${field} holds a "__proto__" key`];
}

// Recursion is bounded: it stops at MAX_DEPTH.
function walk(value: object, depth: number): 'too-deep' | 'forbidden-key' | undefined {
  if (depth >= MAX_DEPTH) return 'too-deep';
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null) {
        const problem = walk(item as object, depth + 1);
        if (problem !== undefined) return problem;
      }
    }
    return undefined;
  }
  for (const key in value) {
    if (key === '__proto__') return 'forbidden-key';
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) {
      const problem = walk(item, depth + 1);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/**
 * Feeds the events of a request through `tracker.emit` — the same pipeline
 * as in-process events: name checks, size limit, catalog policy, processors,
 * routes — one at a time, and tells which were refused and why. The tracker
 * reports a refusal synchronously on its `drop` event, which is how each
 * event's verdict is known before the next is emitted.
 */
export class Ingestor {
  private readonly validate: ValidateFunction;
  private capturing = false;
  private captured: DropNotice | undefined;

  constructor(
    private readonly tracker: Tracker,
    private readonly maxClockSkewMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    const require = createRequire(import.meta.url);
    const { Ajv: AjvClass } = require('ajv') as { Ajv: new (options: Options) => Ajv };
    this.validate = new AjvClass({ allErrors: false, strict: true, allowUnionTypes: true, logger: false }).compile(EVENT_SCHEMA);
    tracker.on('drop', (notice) => {
      // Drops of a backend (a full queue) are delivery matters, not verdicts on the event.
      if (this.capturing && notice.backend === undefined) this.captured = notice;
    });
  }

  /** Emits the valid `items` (slots listed in `rejected` already are skipped) with `context.ingest`. */
  ingest(items: readonly unknown[], rejected: Rejection[], ingest: IngestContext): IngestResult {
    const skip = new Set(rejected.map((r) => r.index));
    let accepted = 0;
    const base = { ingest };
    this.tracker.context('ingest', base, () => {
      const now = this.clock();
      for (let index = 0; index < items.length; index++) {
        if (skip.has(index)) continue;
        const rejection = this.one(items[index], index, base, now);
        if (rejection === undefined) accepted++;
        else rejected.push(rejection);
      }
    });
    rejected.sort((a, b) => a.index - b.index);
    return { accepted, rejected };
  }

  private one(item: unknown, index: number, base: { ingest: IngestContext }, now: number): Rejection | undefined {
    if (!this.validate(item)) return schemaRejection(index, this.validate.errors![0]!);
    const event = item as EventInput;
    let timestamp: number | undefined;
    if (event.timestamp !== undefined) {
      timestamp = typeof event.timestamp === 'number' ? event.timestamp : ISO_8601.test(event.timestamp) ? Date.parse(event.timestamp) : Number.NaN;
      if (!Number.isFinite(timestamp)) return { index, reason: 'invalid-timestamp', message: 'timestamp must be ISO-8601 with a zone (2026-03-01T12:00:00Z) or epoch milliseconds' };
      if (timestamp < MIN_CLIENT_TIMESTAMP || timestamp > now + this.maxClockSkewMs) {
        return { index, reason: 'invalid-timestamp', message: `timestamp ${new Date(timestamp).toISOString()} is before 1971 or more than ${this.maxClockSkewMs} ms ahead of the server clock` };
      }
    }
    for (const field of ['data', 'context'] as const) {
      const problem = event[field] === undefined ? undefined : checkTree(event[field], field);
      if (problem !== undefined) return { index, reason: problem[0], message: problem[1] };
    }
    const options = timestamp === undefined ? (event.id === undefined ? undefined : { id: event.id }) : { timestamp, ...(event.id === undefined ? {} : { id: event.id }) };
    this.capturing = true;
    this.captured = undefined;
    try {
      if (event.context === undefined) this.tracker.emit(event.name, event.data ?? {}, options);
      else {
        // Inside the request's `ingest` frame; a client `ingest` key is overridden by the server's.
        const context = Object.hasOwn(event.context, 'ingest') ? { ...event.context, ...base } : event.context;
        // A context of strings and numbers only (the usual case) is taken as it is, without a copy.
        this.tracker.contextFlat('client', Object.freeze(context) as FlatContext, () => this.tracker.emit(event.name, event.data ?? {}, options));
      }
    } catch (error) {
      // A strict tracker throws what it would otherwise report.
      if (error instanceof ValidationError) return { index, reason: error.reason, message: error.message };
      throw error;
    } finally {
      this.capturing = false;
    }
    const drop = this.captured as DropNotice | undefined; // set by the drop listener during emit
    this.captured = undefined;
    // A processor dropping an event (sampling, filtering) is the configuration's choice, not the client's error.
    if (drop === undefined || drop.reason === 'processor') return undefined;
    return { index, reason: drop.reason, message: typeof drop.cause === 'string' ? drop.cause : drop.cause instanceof Error ? drop.cause.message : `rejected (${drop.reason})` };
  }
}
