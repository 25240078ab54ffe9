import type { ContextFrame } from './ContextFrame.js';

/**
 * Where the tracker keeps the active context frame for the current async call
 * chain. The default is {@link AsyncContextStore}; a custom store can share
 * one chain between trackers or bridge another context system.
 */
export interface ContextStore {
  /** The innermost active frame, or `undefined` outside any context. */
  current(): ContextFrame | undefined;
  /** Runs `fn` with `frame` active for `fn`'s async call chain only. */
  run<R>(frame: ContextFrame | undefined, fn: () => R): R;
  /** Makes `frame` active for the rest of the current execution and what it starts (imperative form). */
  enter(frame: ContextFrame | undefined): void;
}
