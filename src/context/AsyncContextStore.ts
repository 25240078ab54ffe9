import { AsyncLocalStorage } from 'node:async_hooks';
import type { ContextFrame } from './ContextFrame.js';
import type { ContextStore } from './ContextStore.js';

/**
 * The default {@link ContextStore}, on `AsyncLocalStorage`: a frame entered with
 * `run` follows `await`, timers, `setImmediate`, `process.nextTick` and promise
 * chains started inside it, and nothing outside it.
 */
export class AsyncContextStore implements ContextStore {
  private readonly storage = new AsyncLocalStorage<ContextFrame | undefined>();

  current(): ContextFrame | undefined {
    return this.storage.getStore();
  }

  run<R>(frame: ContextFrame | undefined, fn: () => R): R {
    return this.storage.run(frame, fn);
  }

  /**
   * `AsyncLocalStorage.enterWith`: the frame stays active for the rest of the
   * current synchronous execution and every async operation it starts after
   * this call. Prefer `run` (`tracker.context`) where a scope exists.
   */
  enter(frame: ContextFrame | undefined): void {
    this.storage.enterWith(frame);
  }
}
