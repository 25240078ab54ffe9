import { AsyncResource } from 'node:async_hooks';
import type { RequestTracker } from './RequestTracker.js';

/** Runs a function in the context that was active when the scope was captured. */
export type Scope = <R>(fn: () => R) => R;

/**
 * Captures the context active now, to re-enter it from a callback that runs
 * outside it (a response `finish` listener, a Fastify hook after the body was
 * read). Uses `tracker.bind` so a custom context store works too; falls back
 * to `AsyncResource.bind` for a tracker without it.
 */
export function captureScope(tracker: RequestTracker): Scope {
  const run: Scope = (fn) => fn();
  return tracker.bind === undefined ? AsyncResource.bind(run) : tracker.bind(run);
}
