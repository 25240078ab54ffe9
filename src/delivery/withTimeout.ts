import { TimeoutError } from '../errors.js';

/**
 * Runs `call` (which may throw synchronously, return a value or a promise) and
 * rejects with a {@link TimeoutError} when it has not settled within `ms`. The
 * timer never keeps the process alive; a late rejection of `call` is absorbed.
 */
export function withTimeout<T>(call: () => T | Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    timer.unref();
  });
  const work = new Promise<T>((resolve) => resolve(call()));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
