import { flatJsonSize } from '../event/normalize.js';
import type { FlatContext, JsonObject } from '../event/TrackedEvent.js';
import { type EmitterLike, bindEmitter } from './bindEmitter.js';
import { type ContextFrame, createFrame, EMPTY_CONTEXT } from './ContextFrame.js';
import type { ContextStore } from './ContextStore.js';

/**
 * The context operations of a tracker over a {@link ContextStore}: scoped and
 * imperative entry, exit by name, and binding callbacks and emitters to the
 * context they were created in. `normalize` turns caller objects into frozen
 * JSON (the caller's later mutations do not reach events).
 */
export class ContextScope {
  constructor(
    private readonly store: ContextStore,
    /** Copies a caller's context into frozen-to-be JSON and says its JSON size. */
    private readonly normalize: (ctx: unknown) => { value: JsonObject; size: number },
  ) {}

  /** The innermost frame, for `emit`. */
  current(): ContextFrame | undefined {
    return this.store.current();
  }

  run<R>(name: string, ctx: unknown, fn: () => R): R {
    const { value, size } = this.normalize(ctx);
    return this.store.run(createFrame(name, value, size, this.store.current()), fn);
  }

  /**
   * `run` for a context the caller built from strings and finite numbers and
   * froze (see {@link flatJsonSize}): used as it is, no copy. Any other object
   * goes the way of `run`.
   */
  runFlat<R>(name: string, ctx: FlatContext, fn: () => R): R {
    const size = flatJsonSize(ctx);
    if (size === undefined) return this.run(name, ctx, fn);
    return this.store.run(createFrame(name, ctx as JsonObject, size, this.store.current()), fn);
  }

  enter(name: string, ctx: unknown): void {
    const { value, size } = this.normalize(ctx);
    this.store.enter(createFrame(name, value, size, this.store.current()));
  }

  /**
   * Removes the innermost frame named `name` from the current chain; the frames
   * entered after it stay, re-merged over what was below it.
   */
  exit(name: string): boolean {
    const above: ContextFrame[] = [];
    let frame = this.store.current();
    while (frame !== undefined && frame.name !== name) {
      above.push(frame);
      frame = frame.parent;
    }
    if (frame === undefined) return false;
    let top = frame.parent;
    for (let i = above.length - 1; i >= 0; i--) top = createFrame(above[i]!.name, above[i]!.own as JsonObject, above[i]!.ownSize, top);
    this.store.enter(top);
    return true;
  }

  resolve(): Readonly<JsonObject> {
    return this.store.current()?.merged ?? EMPTY_CONTEXT;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function, its own signature kept
  bind<F extends (...args: any[]) => any>(fn: F): F {
    const frame = this.store.current();
    const store = this.store;
    return function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
      return store.run(frame, () => fn.apply(this, args) as ReturnType<F>);
    } as F;
  }

  bindEmitter<T extends EmitterLike>(emitter: T): T {
    return bindEmitter(emitter, (listener) => this.bind(listener));
  }
}
