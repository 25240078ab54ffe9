import { ConfigurationError } from '../errors.js';
import type { JsonObject, JsonValue, TrackedEvent } from '../event/TrackedEvent.js';
import { pythonJson } from '../backends/logger/pythonJson.js';
import type { Processor } from '../tracker/Processor.js';
import { getIn, isObject, setIn, without } from './paths.js';

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
  /** The payload: `data` (`{}` when a processor removed it), or `data` as a JSON string when `event_source` is `browser`. */
  event: JsonValue;
  /** `context.timestamp`, else the event timestamp as edX writes it: `2024-05-06T07:08:09.123000+00:00` (see {@link edxTime}). */
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
  const context: JsonObject = (event.context as JsonObject | undefined) ?? {};
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
  // Taken in edX's order, so the record's keys come out in the order edX's processor leaves them.
  const username = take('username') ?? DEFAULTS.username;
  const session = take('session') ?? DEFAULTS.session;
  const ip = take('ip') ?? DEFAULTS.ip;
  const agent = take('agent') ?? DEFAULTS.agent;
  const host = take('host') ?? DEFAULTS.host;
  const referer = take('referer') ?? DEFAULTS.referer;
  const acceptLanguage = take('accept_language') ?? DEFAULTS.accept_language;
  const time = take('time') ?? edxTime(event.timestamp);
  const eventType = take('event_type') ?? event.name;
  const source = take('event_source') ?? DEFAULTS.event_source;
  const page = take('page') ?? DEFAULTS.page;
  // edX: a missing payload is `{}`; a browser payload that is an object is sent on as its JSON text.
  const data: JsonValue = (event.data as JsonValue | undefined) ?? {};
  let rest: JsonObject = without(context, removed);
  for (const path of nested) rest = setIn(rest, path, undefined);
  // The key order of edX's record: name, context, the moved request fields, event, time, event_type, event_source, page.
  return {
    name: event.name,
    context: rest,
    username, session, ip, agent, host, referer, accept_language: acceptLanguage,
    event: source === 'browser' && isObject(data) ? pythonJson(data) : data,
    time, event_type: eventType, event_source: source, page,
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * A time as edX writes it (Python's `datetime.isoformat()` of a UTC time):
 * `2024-05-06T07:08:09.123000+00:00`, microseconds and `+00:00`; the fraction
 * is left out when it is zero (`2024-05-06T07:08:09+00:00`), as Python does.
 */
export function edxTime(date: Date): string {
  const year = date.getUTCFullYear();
  const ms = date.getUTCMilliseconds();
  return `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    `${ms === 0 ? '' : `.${pad(ms, 3)}000`}+00:00`;
}

/**
 * Whether `event` is the output of {@link edxLegacy}: an empty context and a
 * `data` that is a legacy record (`name`, `event_type`, `event`, `time`,
 * `event_source`, `context`). The logger backend's `format: 'edx'` writes such
 * a `data` as it is instead of converting the event again.
 */
export function isEdxLegacyOutput(event: TrackedEvent): boolean {
  const data = event.data as JsonValue | undefined;
  const context = event.context as JsonObject | undefined;
  if (!isObject(data) || !isObject(context ?? null) || Object.keys(context!).length > 0) return false;
  return typeof data['name'] === 'string' && Object.hasOwn(data, 'event_type') && Object.hasOwn(data, 'event') &&
    Object.hasOwn(data, 'time') && Object.hasOwn(data, 'event_source') && isObject(data['context']);
}

/**
 * The line edX's logger backend writes for an event (without the newline):
 * the legacy record ({@link toEdxLegacy}, or the event's `data` when
 * {@link edxLegacy} has already converted it) as Python's `json.dumps` writes it.
 */
export function toEdxLogLine(event: TrackedEvent, options: EdxLegacyOptions = {}): string {
  return pythonJson(isEdxLegacyOutput(event) ? event.data : toEdxLegacy(event, options));
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
