import { ConfigurationError } from '../errors.js';
import type { JsonObject, JsonValue, TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';
import { getIn, setIn, without } from './paths.js';

/**
 * One line of the edX legacy tracking log, as edx-platform's
 * `LegacyFieldMappingProcessor` produced it for parsers written against the
 * pre-eventtracking format.
 */
export interface EdxLegacyEvent extends JsonObject {
  /** The event name (edX keeps it next to `event_type`). */
  name: string;
  /** `context.event_type`, else the event name. */
  event_type: JsonValue;
  /** The payload: `data`, or `data` as a JSON string when `event_source` is `browser`. */
  event: JsonValue;
  /** `context.timestamp`, else the event timestamp, as ISO-8601 UTC. */
  time: JsonValue;
  /** Where the event came from; `context.event_source`, else `server`. */
  event_source: JsonValue;
  /** `context.page`, else `null`. */
  page: JsonValue;
  username: JsonValue;
  session: JsonValue;
  ip: JsonValue;
  agent: JsonValue;
  host: JsonValue;
  referer: JsonValue;
  accept_language: JsonValue;
  /** The rest of the context, without the fields moved to the top level (and without `client_id`). */
  context: JsonObject;
}

/** A top-level legacy field that is read from the context. */
export type EdxLegacyField =
  | 'username' | 'session' | 'ip' | 'agent' | 'host' | 'referer' | 'accept_language'
  | 'event_type' | 'event_source' | 'page' | 'time';

/**
 * Where each legacy field is read from in the event context (dotted paths
 * below `context`). The defaults are edX's own context keys; change them to
 * match your middleware, e.g. `{ agent: 'user_agent', username: 'user.name' }`.
 */
export const EDX_LEGACY_CONTEXT_FIELDS: Readonly<Record<EdxLegacyField, string>> = Object.freeze({
  username: 'username',
  session: 'session',
  ip: 'ip',
  agent: 'agent',
  host: 'host',
  referer: 'referer',
  accept_language: 'accept_language',
  event_type: 'event_type',
  event_source: 'event_source',
  page: 'page',
  time: 'timestamp',
});

/** Context keys edX removes without moving them (Segment's web-analytics id). */
const DROPPED_CONTEXT_KEYS = ['client_id'];

/** The value a legacy field takes when the context lacks it (edX's defaults). */
const DEFAULTS: Readonly<Record<Exclude<EdxLegacyField, 'event_type' | 'time'>, JsonValue>> = {
  username: '', session: '', ip: '', agent: '', host: '', referer: '', accept_language: '',
  event_source: 'server', page: null,
};

/** Options of {@link toEdxLegacy} and {@link edxLegacy}. */
export interface EdxLegacyOptions {
  /** Context paths of the legacy fields, merged over {@link EDX_LEGACY_CONTEXT_FIELDS}. Default: edX's names. */
  contextFields?: Partial<Record<EdxLegacyField, string>>;
}

type FieldPaths = Readonly<Record<EdxLegacyField, readonly string[]>>;

function compileFields(options: EdxLegacyOptions): FieldPaths {
  const merged: Record<string, string> = { ...EDX_LEGACY_CONTEXT_FIELDS, ...options.contextFields };
  const out: Record<string, readonly string[]> = {};
  for (const [field, path] of Object.entries(merged)) {
    if (!(field in EDX_LEGACY_CONTEXT_FIELDS)) throw new ConfigurationError(`contextFields.${field}`, 'not a legacy edX field');
    if (typeof path !== 'string' || path === '' || path.split('.').includes('')) {
      throw new ConfigurationError(`contextFields.${field}`, 'expected a dotted path below `context`, e.g. "user_agent"');
    }
    out[field] = path.split('.');
  }
  return out as FieldPaths;
}

function convert(event: TrackedEvent, fields: FieldPaths): EdxLegacyEvent {
  const context = event.context;
  // Top-level keys to leave out of the remaining context, removed in one copy; nested paths one by one.
  const removed = new Set(DROPPED_CONTEXT_KEYS);
  const nested: (readonly string[])[] = [];
  const take = (field: EdxLegacyField): JsonValue | undefined => {
    const path = fields[field];
    const value = getIn(context, path);
    if (value !== undefined) {
      if (path.length === 1) removed.add(path[0]!);
      else nested.push(path);
    }
    return value;
  };
  const source = take('event_source') ?? DEFAULTS.event_source;
  const legacy: Omit<EdxLegacyEvent, 'context'> = {
    name: event.name,
    event_type: take('event_type') ?? event.name,
    event: source === 'browser' ? JSON.stringify(event.data) : event.data,
    time: take('time') ?? event.timestamp.toISOString(),
    event_source: source,
    page: take('page') ?? DEFAULTS.page,
    username: take('username') ?? DEFAULTS.username,
    session: take('session') ?? DEFAULTS.session,
    ip: take('ip') ?? DEFAULTS.ip,
    agent: take('agent') ?? DEFAULTS.agent,
    host: take('host') ?? DEFAULTS.host,
    referer: take('referer') ?? DEFAULTS.referer,
    accept_language: take('accept_language') ?? DEFAULTS.accept_language,
  };
  let rest: JsonObject = without(context, removed);
  for (const path of nested) rest = setIn(rest, path, undefined);
  return { ...legacy, context: rest } as EdxLegacyEvent;
}

/**
 * Converts an event to an edX legacy tracking-log record (`event_type`,
 * `event`, `time`, `username`, `ip`, `agent`, `host`, `page`, `event_source`,
 * …; see {@link EdxLegacyEvent}). Use it where a backend formats its output,
 * e.g. `(events) => write(events.map((e) => toEdxLegacy(e)))`.
 */
export function toEdxLegacy(event: TrackedEvent, options: EdxLegacyOptions = {}): EdxLegacyEvent {
  return convert(event, compileFields(options));
}

/**
 * A processor that puts the edX legacy record in `data` and empties `context`
 * (its fields are in the record). The id and timestamp stay on the envelope,
 * so delivery still deduplicates; a backend that writes `event.data` writes
 * exactly the legacy line. Use it on the route that feeds legacy parsers.
 *
 * @throws ConfigurationError when `contextFields` names an unknown field or an empty path.
 */
export function edxLegacy(options: EdxLegacyOptions = {}): Processor {
  const fields = compileFields(options);
  const empty: JsonObject = Object.freeze({}) as JsonObject;
  return (event) => ({ ...event, data: convert(event, fields), context: empty });
}
