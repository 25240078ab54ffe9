import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonObject, JsonValue } from '../event/TrackedEvent.js';
import { MASKED, maskRecord } from './mask.js';
import { cap } from './requestContext.js';
import type { RequestTracker } from './RequestTracker.js';
import type { ResolvedRequestEvent, ResolvedRequestTracking } from './resolveOptions.js';
import { captureScope } from './scope.js';
import { scrubRecord, type SessionScrubber } from './sessionMask.js';

/** Reads the matched route pattern (`/users/:id`) from the framework's request once it is known. */
export type RouteReader<Req> = (req: Req) => unknown;

/** Most query parameters recorded (a repeated name counts once per value); the rest are left out. */
const MAX_QUERY_PARAMS = 64;

function parseQuery(url: string, max: number): JsonObject | undefined {
  const start = url.indexOf('?');
  if (start === -1 || start === url.length - 1) return undefined;
  // A Map, not an object: a parameter named `__proto__` or `toString` must be
  // a field like any other (Object.fromEntries defines own properties).
  const query = new Map<string, string | string[]>();
  let count = 0;
  for (const [name, raw] of new URLSearchParams(url.slice(start + 1))) {
    if (++count > MAX_QUERY_PARAMS) break;
    const key = cap(name, max);
    const value = cap(raw, max);
    const previous = query.get(key);
    if (previous === undefined) query.set(key, value);
    else if (Array.isArray(previous)) previous.push(value);
    else query.set(key, [previous, value]);
  }
  return Object.fromEntries(query);
}

function recordHeaders(raw: IncomingMessage, names: readonly string[], max: number): JsonObject {
  const out: JsonObject = {};
  for (const name of names) {
    const value = raw.headers[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = cap(text, max);
  }
  return out;
}

/** One request as the request event sees it. */
interface ObservedRequest {
  readonly raw: IncomingMessage;
  readonly res: ServerResponse;
  /** The request target as received, query string included. */
  readonly url: string;
  /** Its path, without the query string. */
  readonly path: string;
  /** `process.hrtime.bigint()` when tracking began. */
  readonly start: bigint;
  /** Masks the raw session id wherever it appears (with a session secret). */
  readonly scrub?: SessionScrubber | undefined;
}

/** The request event's data: what happened, masked as configured. */
function buildData(
  event: ResolvedRequestEvent,
  request: ObservedRequest,
  route: unknown,
  aborted: boolean,
  max: number,
): JsonObject {
  const { raw, res, url, path } = request;
  const durationMs = Number(process.hrtime.bigint() - request.start) / 1e6;
  const data: JsonObject = { method: raw.method ?? 'GET', path: cap(path, max) };
  if (typeof route === 'string' && route !== '') data['route'] = route;
  if (!aborted || res.headersSent) data['status'] = res.statusCode;
  data['duration_ms'] = Math.round(durationMs * 1000) / 1000;
  if (aborted) data['aborted'] = true;
  if (event.query) {
    const query = parseQuery(url, max);
    if (query !== undefined) data['query'] = maskRecord(query, event.mask);
  }
  if (event.headers.length > 0) data['headers'] = maskRecord(recordHeaders(raw, event.headers, max), event.mask);
  for (const key of Object.keys(data)) if (event.mask(key)) data[key] = MASKED as JsonValue;
  const scrub = request.scrub;
  if (scrub !== undefined) {
    data['path'] = scrub(data['path'] as string);
    if (typeof data['route'] === 'string') data['route'] = scrub(data['route']);
    // Names too: a parameter may be named by the id itself.
    if (data['query'] !== undefined && data['query'] !== MASKED) {
      data['query'] = scrubRecord(Object.fromEntries(Object.entries(data['query'] as JsonObject).map(([k, v]) => [scrub(k), v])), scrub);
    }
    if (data['headers'] !== undefined && data['headers'] !== MASKED) data['headers'] = scrubRecord(data['headers'] as JsonObject, scrub);
  }
  return data;
}

/**
 * Emits the request event once, when `res` finishes or closes early
 * (`aborted: true`; `status` only if headers went out). Call it inside the
 * request context: the listeners re-enter it, so the event carries the
 * request's context even though `finish` fires outside it.
 */
export function watchResponse<Req>(
  tracker: RequestTracker,
  options: ResolvedRequestTracking<Req>,
  event: ResolvedRequestEvent,
  request: Omit<ObservedRequest, 'start'>,
  source: Req,
  routeOf: RouteReader<Req> | undefined,
): void {
  const observed: ObservedRequest = { ...request, start: process.hrtime.bigint() };
  const { res } = request;
  const scope = captureScope(tracker);
  let done = false;
  const record = (aborted: boolean): void => {
    if (done) return;
    done = true;
    res.removeListener('finish', onFinish);
    res.removeListener('close', onClose);
    let route: unknown;
    try {
      route = routeOf?.(source);
    } catch (error) {
      options.report('route', error);
    }
    try {
      tracker.emit(event.name, buildData(event, observed, route, aborted, options.maxValueLength));
    } catch (error) {
      // A response listener must not crash the process (a `strict` tracker throws from emit).
      options.report('requestEvent', error);
    }
  };
  const onFinish = (): void => scope(() => record(false));
  const onClose = (): void => scope(() => record(!res.writableFinished));
  res.once('finish', onFinish);
  res.once('close', onClose);
}
