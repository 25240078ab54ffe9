import type { IncomingMessage } from 'node:http';
import type { FlatContext } from '../event/TrackedEvent.js';
import { normalizeAddress, resolveClientIp } from './clientIp.js';
import { resolveRequestId } from './requestId.js';
import type { ResolvedRequestTracking } from './resolveOptions.js';
import { readCookie } from './sessionHash.js';
import { sessionScrubber, type SessionScrubber } from './sessionMask.js';

/** `value` cut to at most `max` characters. */
export function cap(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

function header(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === '' ? undefined : first;
}

/** The path part of a request target (`/a/b?x=1` → `/a/b`). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The raw session id of a request (from `sessionId`, else the session cookie)
 * when a `sessionSecret` is set, else `undefined`. A throwing `sessionId` is
 * reported and gives `undefined`.
 */
export function readSessionId<Req>(raw: IncomingMessage, source: Req, options: ResolvedRequestTracking<Req>): string | undefined {
  if (options.hashSession === undefined) return undefined;
  let session: string | null | undefined;
  try {
    session = options.sessionId === undefined ? readCookie(header(raw.headers.cookie), options.sessionCookie) : options.sessionId(source);
  } catch (error) {
    options.report('sessionId', error);
  }
  return typeof session === 'string' && session !== '' ? session : undefined;
}

/**
 * Builds the `request` context of one request from the raw node request.
 * `path` is the path without query string (as sent, before any framework
 * rewrites it); `source` is the framework's request object, handed to the
 * callbacks. Never throws: a failing callback is reported and its field left
 * out. The context holds only strings and finite numbers and is frozen, so the
 * tracker can keep it without copying it. With a session secret, the raw
 * session id (`session`, read here when not given) is replaced by `[masked]`
 * in every value, and only its hash is recorded.
 */
export function extractRequestContext<Req>(
  raw: IncomingMessage,
  path: string,
  source: Req,
  options: ResolvedRequestTracking<Req>,
  session: string | undefined = readSessionId(raw, source, options),
): FlatContext {
  const max = options.maxValueLength;
  const headers = raw.headers;
  const context: Record<string, string | number> = { method: raw.method ?? 'GET', path: cap(path, max) };

  const host = header(headers.host);
  if (host !== undefined) context['host'] = cap(host, max);

  let ip: string | undefined;
  try {
    ip = resolveClientIp(raw.socket?.remoteAddress, header(headers[options.proxyHeader]), options.proxyHeader, options.trust);
  } catch (error) {
    options.report('trustProxy', error);
    const socketAddress = raw.socket?.remoteAddress;
    ip = socketAddress === undefined ? undefined : normalizeAddress(socketAddress);
  }
  if (ip !== undefined) context['ip'] = ip;

  const agent = header(headers['user-agent']);
  if (agent !== undefined) context['user_agent'] = cap(agent, max);
  const referer = header(headers.referer ?? headers['referrer']);
  if (referer !== undefined) context['referer'] = cap(referer, max);
  const language = header(headers['accept-language']);
  if (language !== undefined) context['accept_language'] = cap(language, max);

  context['request_id'] = resolveRequestId(
    options.requestIdHeader === undefined ? undefined : headers[options.requestIdHeader],
    options.maxRequestIdLength,
  );

  if (options.userId !== undefined) {
    try {
      const id = options.userId(source);
      if (typeof id === 'string' && id !== '') context['user_id'] = cap(id, max);
      else if (typeof id === 'number' && Number.isFinite(id)) context['user_id'] = id;
      else if (typeof id === 'bigint') context['user_id'] = id.toString();
    } catch (error) {
      options.report('userId', error);
    }
  }

  if (options.context !== undefined) addFields(context, source, options);
  if (session !== undefined) {
    const scrub: SessionScrubber = sessionScrubber(session)!;
    for (const key of Object.keys(context)) {
      const value = context[key];
      if (typeof value === 'string') context[key] = scrub(value);
    }
    context['session_hash'] = options.hashSession!(session);
  }
  return Object.freeze(context);
}

/** Adds the fields of the `context` option: strings (capped) and finite numbers; others are left out and reported. */
function addFields<Req>(context: Record<string, string | number>, source: Req, options: ResolvedRequestTracking<Req>): void {
  let fields: Record<string, unknown> | null | undefined;
  try {
    fields = options.context!(source);
  } catch (error) {
    options.report('context', error);
    return;
  }
  if (fields === null || fields === undefined) return;
  if (typeof fields !== 'object') {
    options.report('context', new TypeError(`the context option returned ${typeof fields}, not an object`));
    return;
  }
  const refused: string[] = [];
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (key === '__proto__') refused.push(key);
    else if (typeof value === 'string') context[key] = cap(value, options.maxValueLength);
    else if (typeof value === 'number' && Number.isFinite(value)) context[key] = value;
    else if (value !== null && value !== undefined) refused.push(key);
  }
  if (refused.length > 0) {
    options.report('context', new TypeError(`context fields must be strings or finite numbers; left out: ${refused.join(', ')}`));
  }
}
