import type { ProxyHeader, TrustProxy } from './clientIp.js';
import type { SkipRule } from './skip.js';

/** Names masked in the request event unless `requestEvent.mask` says otherwise (compared case-insensitively). */
export const DEFAULT_MASKED_FIELDS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'secret',
]);

/** The optional event recorded once per request. */
export interface RequestEventOptions {
  /** Event name. Default `'http.request'`. */
  name?: string;
  /**
   * Fields whose values are recorded as `'[masked]'`: a name (case-insensitive)
   * or a RegExp, matched against the event's top-level fields (`path`, …), the
   * query parameter names and the recorded header names. Replaces the default
   * list; extend it with `[...DEFAULT_MASKED_FIELDS, 'email']`.
   * Default {@link DEFAULT_MASKED_FIELDS}.
   */
  mask?: readonly (string | RegExp)[];
  /** Record the query string as an object `query` (repeated names become arrays). Default `true`. */
  query?: boolean;
  /** Request headers to record in `headers`, by name. Default `[]` (none). */
  headers?: readonly string[];
}

/** Defaults of {@link RequestEventOptions}. */
export const DEFAULT_REQUEST_EVENT_OPTIONS = Object.freeze({
  name: 'http.request',
  mask: DEFAULT_MASKED_FIELDS,
  query: true,
  headers: Object.freeze([]) as readonly string[],
});

/**
 * Options shared by `wrapHttpHandler`, `expressMiddleware`, `fastifyPlugin`
 * and `koaMiddleware`. `Req` is what the framework calls a request: the
 * `IncomingMessage` for node:http and Express, the Fastify request, the Koa
 * context. Callbacks receive it, so they can read what your own middleware
 * attached (`req.user`, `ctx.state.user`).
 *
 * The context recorded for each request has `method`, `path` (no query
 * string), `host`, `ip`, `user_agent`, `referer`, `accept_language`,
 * `request_id`, and when configured `user_id` and `session_hash`; a field whose
 * value is unknown is left out.
 */
export interface RequestTrackingOptions<Req> {
  /** Name of the context frame. Default `'request'`. */
  contextName?: string;
  /**
   * The user id, read when the request starts (so register the middleware
   * after your authentication). Strings and finite numbers are recorded as
   * `user_id`; anything else is left out; a throw is reported (see `onError`).
   * Default: none.
   */
  userId?: (req: Req) => unknown;
  /**
   * Key for the session hash. With it, `session_hash` is the HMAC-SHA256 (hex)
   * of the session id; without it no session field is recorded. The raw id is
   * never recorded: wherever it appears (the path, the referer, the other
   * context fields, the request event's path, query and headers) it is
   * replaced by `'[masked]'`, and the query parameter named `sessionCookie` is
   * masked. At least 16 bytes. Default: none.
   */
  sessionSecret?: string | Uint8Array;
  /** Cookie holding the session id, used when `sessionId` is not given. Default `'connect.sid'` (express-session). */
  sessionCookie?: string;
  /** Reads the session id instead of the cookie (a throw is reported). Default: none. */
  sessionId?: (req: Req) => string | null | undefined;
  /** Header carrying the caller's request id, or `false` to always generate one (UUID v7). Default `'x-request-id'`. */
  requestIdHeader?: string | false;
  /** Longest request id taken from the header; a longer or malformed one is replaced by a new id. Default `128`. */
  maxRequestIdLength?: number;
  /** Which proxies may report the client address (see {@link TrustProxy}). Default `false`: the socket's peer address. */
  trustProxy?: TrustProxy;
  /** Header the trusted proxies write. Only this one is read, so a client cannot add the other. Default `'x-forwarded-for'`. */
  proxyHeader?: ProxyHeader;
  /** Longest path or header value recorded; longer ones are cut to this length. Default `1024`. */
  maxValueLength?: number;
  /**
   * More fields for the request context, read when the request starts (edX
   * records `username`, `client_id`, `course_id`, `org_id`):
   * `context: (req) => ({ username: req.user?.name, course_id: courseOf(req.url) })`.
   * Strings (cut to `maxValueLength`) and finite numbers are recorded; `null`
   * and `undefined` are left out; other values are left out and reported; a
   * throw is reported (see `onError`). Its fields win over the built-in ones.
   * Default: none.
   */
  context?: (req: Req) => Record<string, unknown> | null | undefined;
  /** Requests to leave untracked: no context, no event (see {@link SkipRule}); see `skipEventOnly`. Default `[]`. */
  skip?: readonly SkipRule<Req>[];
  /**
   * With `true`, `skip` leaves out only the request event: skipped requests
   * still run inside the request context, so events the application emits
   * there carry it (as edX's tracking middleware does for its ignored URLs).
   * Default `false`: a skipped request has neither.
   */
  skipEventOnly?: boolean;
  /** Record one event per request when it finishes (`true` for the defaults). Default `false`. */
  requestEvent?: boolean | RequestEventOptions;
  /**
   * Receives a {@link MiddlewareError} when a callback throws (the request goes
   * on regardless). Default: the tracker's own error reporting, which emits
   * the tracker's `error` event and counts it in `stats()`.
   */
  onError?: (error: unknown) => void;
}

/** Defaults of {@link RequestTrackingOptions}. */
export const DEFAULT_REQUEST_TRACKING_OPTIONS = Object.freeze({
  contextName: 'request',
  sessionCookie: 'connect.sid',
  requestIdHeader: 'x-request-id',
  maxRequestIdLength: 128,
  trustProxy: false,
  proxyHeader: 'x-forwarded-for',
  maxValueLength: 1024,
  skip: Object.freeze([]) as readonly never[],
  skipEventOnly: false,
  requestEvent: false,
} as const);
