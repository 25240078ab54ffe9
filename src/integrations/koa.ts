import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTrackingOptions } from './options.js';
import { RequestTracking } from './RequestTracking.js';
import type { RequestTracker } from './RequestTracker.js';

/**
 * What the Koa middleware reads from a context: the node request and
 * response, `originalUrl`, the route `@koa/router` matched, and anything your
 * own middleware attached (typed loosely so `(ctx) => ctx.state.user?.id`
 * compiles).
 */
export interface KoaContextLike {
  req: IncomingMessage;
  res: ServerResponse;
  originalUrl?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

/** `@koa/router` sets `_matchedRoute` (and, in recent versions, `routePath`) on the context. */
function koaRoute(ctx: KoaContextLike): unknown {
  return ctx['_matchedRoute'] ?? ctx['routePath'];
}

/**
 * Koa middleware: every downstream middleware runs inside a `request`
 * context (`await tracker.context(..., () => next())`). Callbacks receive the
 * Koa context, so `userId: (ctx) => ctx.state.user?.id`.
 *
 * ```ts
 * koa.use(koaMiddleware(tracker, { requestEvent: true }));
 * ```
 *
 * Errors thrown downstream pass through to Koa's error handling unchanged.
 * The request event's `route` is `@koa/router`'s matched route. Throws
 * {@link ConfigurationError} at once for a bad option.
 */
export function koaMiddleware<Ctx extends KoaContextLike = KoaContextLike>(
  tracker: RequestTracker,
  options?: RequestTrackingOptions<Ctx>,
): (ctx: NoInfer<Ctx>, next: () => Promise<unknown>) => Promise<unknown> {
  const tracking = new RequestTracking<Ctx>(tracker, options, koaRoute);
  return function eventtrackRequestContext(ctx, next) {
    return tracking.run(ctx.req, ctx.res, ctx.originalUrl ?? ctx.req.url ?? '/', ctx, () => next());
  };
}
