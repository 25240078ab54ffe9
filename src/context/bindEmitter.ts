/** Any listener function (listeners take whatever the emitter passes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

/** The listener methods of a Node-style event emitter that {@link bindEmitter} patches. */
export interface EmitterLike {
  on(event: string | symbol, listener: Listener): unknown;
  addListener(event: string | symbol, listener: Listener): unknown;
  removeListener(event: string | symbol, listener: Listener): unknown;
  once?(event: string | symbol, listener: Listener): unknown;
  prependListener?(event: string | symbol, listener: Listener): unknown;
  prependOnceListener?(event: string | symbol, listener: Listener): unknown;
  off?(event: string | symbol, listener: Listener): unknown;
  removeAllListeners?(event?: string | symbol): unknown;
}

type Method = (event: string | symbol, listener: Listener) => unknown;

const BOUND = Symbol('eventtrack.boundListeners');
const ADD_METHODS = ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;

/**
 * Patches `emitter` so that every listener added from now on runs in the
 * context that was active when it was added, however the event is fired
 * (connection pools, sockets and queues fire events from other contexts).
 * `bind` captures the current context and returns the wrapped listener.
 * Removing the original listener removes its wrapper. Patching twice is a no-op.
 */
export function bindEmitter<T extends EmitterLike>(emitter: T, bind: (listener: Listener) => Listener): T {
  const target = emitter as unknown as Record<string | symbol, unknown>;
  if (target[BOUND] !== undefined) return emitter;
  // event → original listener → wrappers (a listener may be added more than once)
  const wrappers = new Map<string | symbol, WeakMap<Listener, Listener[]>>();
  Object.defineProperty(target, BOUND, { value: wrappers, enumerable: false });

  // Node's `once` adds its own wrapper through `this.on`: that inner call must
  // pass through, or the wrapper it adds would be bound again and the original
  // listener could no longer be removed.
  let adding = false;
  for (const name of ADD_METHODS) {
    const original = target[name] as Method | undefined;
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, event: string | symbol, listener: Listener) {
      if (adding) return original.call(this, event, listener);
      const wrapped = bind(listener);
      let byListener = wrappers.get(event);
      if (byListener === undefined) wrappers.set(event, (byListener = new WeakMap()));
      const list = byListener.get(listener);
      if (list === undefined) byListener.set(listener, [wrapped]);
      else list.push(wrapped);
      adding = true;
      try {
        return original.call(this, event, wrapped);
      } finally {
        adding = false;
      }
    };
  }
  for (const name of REMOVE_METHODS) {
    const original = target[name] as Method | undefined;
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, event: string | symbol, listener: Listener) {
      const list = wrappers.get(event)?.get(listener);
      const wrapped = list?.pop() ?? listener;
      return original.call(this, event, wrapped);
    };
  }
  const removeAll = target['removeAllListeners'] as ((event?: string | symbol) => unknown) | undefined;
  if (typeof removeAll === 'function') {
    target['removeAllListeners'] = function (this: unknown, ...args: [event?: string | symbol]) {
      if (args.length === 0) wrappers.clear();
      else wrappers.delete(args[0]!);
      return removeAll.apply(this, args);
    };
  }
  return emitter;
}
