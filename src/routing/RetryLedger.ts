/**
 * Remembers, per event id, which routes still owe an event after a partly
 * failed `Router.send`, so that the retry of that event goes only to those
 * routes and never duplicates into the routes that already have it.
 *
 * Bounded: past `limit` ids the oldest entries are forgotten (an event whose
 * retries were given up never comes back). A forgotten event that is retried
 * after all goes to every route again, which the backend contract allows:
 * `send` is idempotent per event id.
 */
export class RetryLedger {
  readonly #owed = new Map<string, ReadonlySet<number>>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Number of events with routes still owed. */
  get size(): number {
    return this.#owed.size;
  }

  /** Indices of the routes that still owe the event, or `undefined` when it is new (every route). */
  owed(id: string): ReadonlySet<number> | undefined {
    return this.#owed.get(id);
  }

  /** Records that `routes` still owe the event; an empty set settles it. */
  set(id: string, routes: ReadonlySet<number>): void {
    this.#owed.delete(id);
    if (routes.size === 0 || this.#limit === 0) return;
    if (this.#owed.size >= this.#limit) {
      const oldest = this.#owed.keys().next();
      if (oldest.done !== true) this.#owed.delete(oldest.value);
    }
    this.#owed.set(id, routes);
  }

  /** Forgets the event: every route that wanted it has it, or it is given up. */
  settle(id: string): void {
    this.#owed.delete(id);
  }
}
