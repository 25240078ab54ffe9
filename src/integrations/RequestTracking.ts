import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTrackingOptions } from './options.js';
import type { FlatContext } from '../event/TrackedEvent.js';
import { extractRequestContext, pathOf, readSessionId } from './requestContext.js';
import { sessionScrubber } from './sessionMask.js';
import { watchResponse, type RouteReader } from './requestEvent.js';
import type { RequestTracker } from './RequestTracker.js';
import { resolveRequestTracking, type ResolvedRequestTracking } from './resolveOptions.js';

/**
 * The framework-neutral core of every request integration: options resolved
 * once, then for each request skip → extract the context → run the rest of
 * the request inside it (→ watch the response for the request event).
 * Adapters only say where the raw request, the response, the URL and the
 * route are.
 */
export class RequestTracking<Req> {
  private readonly options: ResolvedRequestTracking<Req>;

  /** Throws {@link ConfigurationError} for a bad option. */
  constructor(
    private readonly tracker: RequestTracker,
    options: RequestTrackingOptions<Req> | undefined,
    private readonly routeOf?: RouteReader<Req>,
  ) {
    this.options = resolveRequestTracking(tracker, options);
  }

  /**
   * Runs `next` (the rest of the request) inside the request context and
   * returns its result; `next` learns whether the context was entered. A
   * skipped request runs `next` as is (with `skipEventOnly`, inside the
   * context but without the request event). Whatever fails on our side is
   * reported and `next` still runs exactly once; what `next` throws or
   * rejects with reaches the caller unchanged.
   */
  run<R>(raw: IncomingMessage, res: ServerResponse, url: string, source: Req, next: (tracked: boolean) => R): R {
    const options = this.options;
    const path = pathOf(url);
    let skipped = false;
    if (options.skip !== undefined) {
      try {
        skipped = options.skip(path, source);
      } catch (error) {
        options.report('skip', error);
      }
      if (skipped && !options.skipEventOnly) return next(false);
    }

    let context: FlatContext;
    let session: string | undefined;
    try {
      session = readSessionId(raw, source, options);
      context = extractRequestContext(raw, path, source, options, session);
    } catch (error) {
      options.report('context', error);
      return next(false);
    }
    let entered = false;
    try {
      const tracker = this.tracker;
      const inside = (): R => {
        entered = true;
        if (options.event !== undefined && !skipped) {
          try {
            watchResponse(this.tracker, options, options.event, { raw, res, url, path, scrub: sessionScrubber(session) }, source, this.routeOf);
          } catch (error) {
            options.report('requestEvent', error);
          }
        }
        return next(true);
      };
      return tracker.contextFlat === undefined
        ? tracker.context(options.contextName, context, inside)
        : tracker.contextFlat(options.contextName, context, inside);
    } catch (error) {
      if (entered) throw error; // thrown by the app's own code: not ours to swallow
      options.report('context', error);
      return next(false);
    }
  }
}
