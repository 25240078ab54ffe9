import { TimeoutError } from '../errors.js';

/** A call raced against a deadline: `result` as {@link withTimeout} gives it, `work` the call itself, which a timeout does not stop. */
export interface TimedCall<T> {
  /** Settles with the call, or rejects with a {@link TimeoutError} after `ms`. */
  result: Promise<T>;
  /** The call's own promise: after a timeout it may still be running (a write held on a socket). */
  work: Promise<T>;
}

/**
 * Runs `call` like {@link withTimeout} and also hands back the call's own
 * promise, so a caller can tell when a timed-out call has really ended.
 * A rejection of `work` is absorbed here (observing it is optional).
 */
export function timedCall<T>(call: () => T | Promise<T>, ms: number, what: string): TimedCall<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    timer.unref();
  });
  const work = new Promise<T>((resolve) => resolve(call()));
  work.catch(() => undefined);
  return { result: Promise.race([work, timeout]).finally(() => clearTimeout(timer)), work };
}

/**
 * Runs `call` (which may throw synchronously, return a value or a promise) and
 * rejects with a {@link TimeoutError} when it has not settled within `ms`. The
 * timer never keeps the process alive; a late rejection of `call` is absorbed.
 * The call itself is not cancelled (see {@link timedCall}).
 */
export function withTimeout<T>(call: () => T | Promise<T>, ms: number, what: string): Promise<T> {
  return timedCall(call, ms, what).result;
}
