import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonObject, JsonValue } from '../event/TrackedEvent.js';
import { MASKED, maskRecord } from './mask.js';
import type { RequestTracker } from './RequestTracker.js';
import type { ResolvedRequestEvent, ResolvedRequestTracking } from './resolveOptions.js';
import { captureScope } from './scope.js';

/** Reads the matched route pattern (`/users/:id`) from the framework's request once it is known. */
export type RouteReader<Req> = (req: Req) => unknown;

/** Most query parameters recorded; the rest are left out. */
const MAX_QUERY_PARAMS = 64;

function parseQuery(url: string, max: number): JsonObject | undefined {
  const start = url.indexOf('?');
  if (start === -1 || start === url.length - 1) return undefined;
  const query: JsonObject = {};
  let count = 0;
  for (const [key, raw] of new URLSearchParams(url.slice(start + 1))) {
    const value = raw.length > max ? raw.slice(0, max) : raw;
    const previous = query[key];
    if (previous === undefined) {
      if (++count > MAX_QUERY_PARAMS) break;
      query[key] = value;
    } else if (Array.isArray(previous)) previous.push(value);
    else query[key] = [previous, value];
  }
  return query;
}

function recordHeaders(raw: IncomingMessage, names: readonly string[], max: number): JsonObject {
  const out: JsonObject = {};
  for (const name of names) {
    const value = raw.headers[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = text.length > max ? text.slice(0, max) : text;
  }
  return out;
}

/**
 * Emits the request event once, when `res` finishes or closes early
 * (`aborted: true`; `status` only if headers went out). Call it inside the
 * request context: the listener is bound to that async context, so the event
 * carries the request's context even though `finish` fires outside it.
 */
export function watchResponse<Req>(
  tracker: RequestTracker,
  options: ResolvedRequestTracking<Req>,
  event: ResolvedRequestEvent,
  raw: IncomingMessage,
  res: ServerResponse,
  url: string,
  path: string,
  source: Req,
  routeOf: RouteReader<Req> | undefined,
): void {
  const start = process.hrtime.bigint();
  let done = false;
  const scope = captureScope(tracker);
  const record = (aborted: boolean): void => {
    if (done) return;
    done = true;
    res.removeListener('finish', onFinish);
    res.removeListener('close', onClose);
    const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
    const max = options.maxValueLength;
    const data: JsonObject = { method: raw.method ?? 'GET', path: path.length > max ? path.slice(0, max) : path };
    if (routeOf !== undefined) {
      try {
        const route = routeOf(source);
        if (typeof route === 'string' && route !== '') data['route'] = route;
      } catch (error) {
        options.report('route', error);
      }
    }
    if (!aborted || res.headersSent) data['status'] = res.statusCode;
    data['duration_ms'] = Math.round(durationMs * 1000) / 1000;
    if (aborted) data['aborted'] = true;
    if (event.query) {
      const query = parseQuery(url, max);
      if (query !== undefined) data['query'] = maskRecord(query, event.mask);
    }
    if (event.headers.length > 0) data['headers'] = maskRecord(recordHeaders(raw, event.headers, max), event.mask);
    for (const key of Object.keys(data)) if (event.mask(key)) data[key] = MASKED as JsonValue;
    try {
      tracker.emit(event.name, data);
    } catch (error) {
      // Only a tracker in `strict` mode throws; a response listener must not crash the process.
      options.report('requestEvent', error);
    }
  };
  const onFinish = (): void => scope(() => record(false));
  const onClose = (): void => scope(() => record(!res.writableFinished));
  res.once('finish', onFinish);
  res.once('close', onClose);
}
