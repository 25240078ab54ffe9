/**
 * The sends of a batch that have not ended yet. `withTimeout` does not
 * cancel a send: after a timeout the write may still be held on a socket (a
 * hung server) and land when the server resumes. A batch whose attempts are
 * still running is "in doubt": reporting it dropped could be contradicted by
 * the store, so the Dispatcher waits for them ({@link attemptsSettled})
 * before it reads back which events are stored.
 */
const running = new WeakMap<object, Set<Promise<unknown>>>();

/** Notes that `work`, one attempt at sending `batch`, runs until it settles. */
export function trackAttempt(batch: object, work: Promise<unknown>): void {
  let set = running.get(batch);
  if (set === undefined) running.set(batch, (set = new Set()));
  const pending = set;
  pending.add(work);
  const done = (): void => {
    pending.delete(work);
  };
  work.then(done, done);
}

/** How many attempts at sending `batch` are still running. */
export function attemptsRunning(batch: object): number {
  return running.get(batch)?.size ?? 0;
}

/** Resolves once every attempt at sending `batch` noted so far has settled (whatever their outcome). */
export async function attemptsSettled(batch: object): Promise<void> {
  const pending = running.get(batch);
  while (pending !== undefined && pending.size > 0) await Promise.allSettled([...pending]);
}
