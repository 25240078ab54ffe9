import type { FlatContext, JsonObject } from '../event/TrackedEvent.js';

/**
 * What the request integrations need from a tracker: `emit` and the scoped
 * `context`. Every `Tracker` satisfies it; depending on this small interface
 * keeps the middleware independent of the tracker's internals and lets tests
 * pass a stand-in.
 */
export interface RequestTracker {
  /** Records an event; never throws (see `Tracker.emit`). */
  emit(name: string, data?: JsonObject): void;
  /** Runs `fn` inside a context frame named `name` and returns its result (see `Tracker.context`). */
  context<R>(name: string, context: JsonObject, fn: () => R): R;
  /**
   * `context` for a context built from strings and finite numbers and frozen,
   * which the tracker may then keep without copying it; used when present.
   * @internal
   */
  contextFlat?<R>(name: string, context: FlatContext, fn: () => R): R;
  /** Wraps `fn` to run in the context active now (see `Tracker.bind`); used when present. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  bind?<F extends (...args: any[]) => any>(fn: F): F;
  /**
   * Hands an error to the tracker's `error` listeners and stats, when the
   * tracker offers it. The middleware uses it for failures of the callbacks
   * you configure (`userId`, `sessionId`, `skip`) unless `onError` is set.
   */
  reportError?(error: unknown): void;
}
