import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTrackingOptions } from './options.js';
import { RequestTracking } from './RequestTracking.js';
import type { RequestTracker } from './RequestTracker.js';

/**
 * What the Express middleware reads from a request: the node request plus
 * Express's `originalUrl`, `baseUrl` and `route`, and anything your own
 * middleware attached (typed loosely so `(req) => req.user?.id` compiles).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ExpressRequestLike = IncomingMessage & { originalUrl?: string; baseUrl?: string; route?: { path?: unknown }; [key: string]: any };

/** The route pattern Express matched (`/users/:id`, with the router's mount path), once the response is done. */
function expressRoute(req: ExpressRequestLike): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? (req.baseUrl ?? '') + path : undefined;
}

/**
 * Express middleware: the rest of the middleware chain and the route handlers
 * (error handlers included) run inside a `request` context.
 *
 * ```ts
 * app.use(expressMiddleware(tracker, { userId: (req) => req.user?.id, sessionSecret }));
 * ```
 *
 * Register it early, but after the middleware that sets what `userId` reads.
 * The request event's `route` is Express's `req.route.path` (with the mount
 * path of its router). Throws {@link ConfigurationError} at once for a bad
 * option.
 *
 * `req` in the callbacks is {@link ExpressRequestLike} (what your middleware
 * attached is `any`), not inferred from `app.use`, so `req.user?.id` compiles
 * without augmenting Express's types; pass a type argument
 * (`expressMiddleware<MyRequest>(…)`) for a precise one.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createTracker, expressMiddleware, LoggerBackend } from 'eventtrack';
 *
 * const tracker = createTracker({ backends: { log: new LoggerBackend() } });
 * const app = express();
 * app.use(authenticate); // sets req.user
 * app.use(expressMiddleware(tracker, { userId: (req) => req.user?.id, skip: ['/health'], requestEvent: true }));
 * app.get('/courses/:id', (req, res) => {
 *   tracker.emit('course.viewed', { id: req.params.id }); // carries method, path, ip, request_id, user_id…
 *   res.send('ok');
 * });
 * ```
 */
export function expressMiddleware<Req extends ExpressRequestLike = ExpressRequestLike>(
  tracker: RequestTracker,
  options?: RequestTrackingOptions<Req>,
): (req: NoInfer<Req>, res: ServerResponse, next: (error?: unknown) => void) => void {
  const tracking = new RequestTracking<Req>(tracker, options, expressRoute);
  return function eventtrackRequestContext(req, res, next) {
    tracking.run(req, res, req.originalUrl ?? req.url ?? '/', req, () => next());
  };
}
