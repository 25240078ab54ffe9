/** In-order ids seen in a row after which the lookup set is dropped again. */
const CALM_AFTER = 2;

/**
 * The last `capacity` event ids received, to recognise an event delivered
 * again (a batch re-sent upstream, e.g. by a retry) and not count it twice.
 *
 * Hashing every id into a set would cost more than counting the event, so
 * this leans on event ids being UUID v7 (time-ordered, and monotonic within
 * a process): an id greater than every id seen so far cannot be a repeat, and
 * is only appended to a ring. Only an id that is not greater — a repeat, or
 * an event from another process or a retried batch arriving late — is looked
 * up exactly, in a set built from the ring on demand and kept while ids keep
 * arriving out of order (dropped after `capacity × 2` in-order ids).
 * Any string ids work; ordered ones are just faster. Memory: `capacity` ids.
 */
export class RecentIds {
  private readonly ring: (string | undefined)[];
  private next = 0;
  private highest = '';
  private lookup: Set<string> | undefined;
  private inOrder = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity).fill(undefined);
  }

  /** Remembers `id`; `false` when it is among the last `capacity` ids already. */
  add(id: string): boolean {
    if (id > this.highest) {
      this.highest = id;
      if (this.lookup !== undefined && ++this.inOrder >= this.capacity * CALM_AFTER) this.lookup = undefined;
    } else {
      this.inOrder = 0;
      this.lookup ??= new Set(this.ring.filter((x): x is string => x !== undefined));
      if (this.lookup.has(id)) return false;
    }
    this.push(id);
    return true;
  }

  private push(id: string): void {
    const evicted = this.ring[this.next];
    this.ring[this.next] = id;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.lookup !== undefined) {
      if (evicted !== undefined) this.lookup.delete(evicted);
      this.lookup.add(id);
    }
  }
}
