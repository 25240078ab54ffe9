import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTrackingOptions } from './options.js';
import { RequestTracking } from './RequestTracking.js';
import type { RequestTracker } from './RequestTracker.js';

/**
 * Wraps a `node:http` request listener so each request runs inside a
 * `request` context (see {@link RequestTrackingOptions}):
 *
 * ```ts
 * http.createServer(wrapHttpHandler(tracker, (req, res) => {
 *   tracker.emit('page.view');          // carries method, path, ip, request_id, …
 *   res.end('ok');
 * }, { requestEvent: true }));
 * ```
 *
 * The handler's return value (a promise, for an async handler) is passed
 * through, and so is anything it throws. Throws {@link ConfigurationError}
 * at once for a bad option.
 */
export function wrapHttpHandler<Req extends IncomingMessage, Res extends ServerResponse, R>(
  tracker: RequestTracker,
  handler: (req: Req, res: Res) => R,
  options?: RequestTrackingOptions<Req>,
): (req: Req, res: Res) => R {
  if (typeof handler !== 'function') throw new TypeError('wrapHttpHandler(tracker, handler, options): handler must be a function');
  const tracking = new RequestTracking<Req>(tracker, options);
  return function trackedRequestListener(this: unknown, req: Req, res: Res): R {
    return tracking.run(req, res, req.url ?? '/', req, () => handler.call(this, req, res));
  };
}
