import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTrackingOptions } from './options.js';
import { RequestTracking } from './RequestTracking.js';
import type { RequestTracker } from './RequestTracker.js';

/**
 * What the Fastify plugin reads from a request: the node request, the
 * matched route, and anything your own hooks attached (typed loosely so
 * `(request) => request.user?.id` compiles).
 */
export interface FastifyRequestLike {
  raw: IncomingMessage;
  routeOptions?: { url?: string | undefined };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

/** The parts of a Fastify instance and reply the plugin uses. */
export interface FastifyInstanceLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addHook(name: string, hook: (...args: any[]) => unknown): unknown;
}
/** Fastify's hook callback. */
export type Done = (error?: Error) => void;

/** Options of {@link fastifyPlugin}: the tracker plus the shared request tracking options. */
export interface FastifyTrackingOptions<Req extends FastifyRequestLike = FastifyRequestLike> extends RequestTrackingOptions<Req> {
  /** The tracker whose context and events the requests feed. Required. */
  tracker: RequestTracker;
}

function fastifyRoute(request: FastifyRequestLike): string | undefined {
  return request.routeOptions?.url;
}

/**
 * Fastify plugin: hooks, validation, the route handler and the error handler
 * of every request run inside a `request` context.
 *
 * ```ts
 * await fastify.register(fastifyPlugin, { tracker, userId: (request) => request.user?.id });
 * ```
 *
 * Hooks do not nest, so the context is opened in an `onRequest` hook that
 * calls `done` inside `tracker.context(...)`: the rest of the lifecycle
 * (parsing, validation, later hooks, the handler, the error handler)
 * continues from that call and inherits the context. Fastify 5 re-enters the
 * request's async context after reading the body itself, so no second hook is
 * needed (hence `fastify: '5.x'` in the plugin metadata).
 * The plugin is not encapsulated (`skip-override`): registered at the root it
 * covers every route, including those of child contexts. A bad option fails
 * `register` with a {@link ConfigurationError}.
 */
export function fastifyPlugin(instance: FastifyInstanceLike, options: FastifyTrackingOptions, done: Done): void {
  let tracking: RequestTracking<FastifyRequestLike>;
  try {
    tracking = new RequestTracking<FastifyRequestLike>(options.tracker, options, fastifyRoute);
  } catch (error) {
    done(error as Error);
    return;
  }
  instance.addHook('onRequest', function eventtrackOnRequest(request: FastifyRequestLike, reply: { raw: ServerResponse }, next: Done) {
    tracking.run(request.raw, reply.raw, request.raw.url ?? '/', request, () => next());
  });
  done();
}

Object.defineProperties(fastifyPlugin, {
  [Symbol.for('skip-override')]: { value: true },
  [Symbol.for('fastify.display-name')]: { value: 'eventtrack' },
  [Symbol.for('plugin-meta')]: { value: { name: 'eventtrack', fastify: '5.x' } },
});
