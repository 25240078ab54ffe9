import type { TrackedEvent } from '../event/TrackedEvent.js';

const INITIAL_CAPACITY = 1024;

/**
 * A FIFO ring buffer of events with their estimated sizes (JSON characters,
 * as `emit` measures them) in a parallel array, so that the public event
 * carries no extra field: O(1) push and evict-oldest, batch take, and a
 * running total of the bytes held (`bytes`). It grows by doubling and gives
 * its memory back once emptied after a burst; bounds are the caller's.
 */
export class EventQueue {
  private slots: (TrackedEvent | undefined)[];
  private sizes: number[];
  private head = 0;
  private count = 0;
  private total = 0;

  constructor(private readonly initialCapacity = INITIAL_CAPACITY) {
    this.slots = new Array<TrackedEvent | undefined>(initialCapacity);
    this.sizes = new Array<number>(initialCapacity).fill(0);
  }

  get length(): number {
    return this.count;
  }

  /** Sum of the sizes of the events held. */
  get bytes(): number {
    return this.total;
  }

  /** Size of the oldest event (0 when empty). */
  get headSize(): number {
    return this.count === 0 ? 0 : this.sizes[this.head]!;
  }

  /** Appends an event of `size` bytes. */
  push(event: TrackedEvent, size: number): void {
    if (this.count === this.slots.length) this.grow();
    let at = this.head + this.count;
    if (at >= this.slots.length) at -= this.slots.length;
    this.slots[at] = event;
    this.sizes[at] = size;
    this.count++;
    this.total += size;
  }

  /** Removes and returns the oldest event. */
  shift(): TrackedEvent | undefined {
    if (this.count === 0) return undefined;
    const event = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.total -= this.sizes[this.head]!;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    this.settle();
    return event;
  }

  /** Removes and returns up to `max` of the oldest events, oldest first. */
  take(max: number): TrackedEvent[] {
    const n = Math.min(max, this.count);
    const capacity = this.slots.length;
    const out = new Array<TrackedEvent>(n);
    let at = this.head;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      out[i] = this.slots[at]!;
      this.slots[at] = undefined;
      bytes += this.sizes[at]!;
      if (++at === capacity) at = 0;
    }
    this.head = at;
    this.count -= n;
    this.total -= bytes;
    this.settle();
    return out;
  }

  private grow(): void {
    const capacity = this.slots.length;
    const slots = new Array<TrackedEvent | undefined>(capacity * 2);
    const sizes = new Array<number>(capacity * 2).fill(0);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % capacity;
      slots[i] = this.slots[from];
      sizes[i] = this.sizes[from]!;
    }
    this.slots = slots;
    this.sizes = sizes;
    this.head = 0;
  }

  /** Once empty, a buffer grown by a burst is given back. */
  private settle(): void {
    if (this.count !== 0) return;
    this.head = 0;
    this.total = 0;
    if (this.slots.length > this.initialCapacity) {
      this.slots = new Array<TrackedEvent | undefined>(this.initialCapacity);
      this.sizes = new Array<number>(this.initialCapacity).fill(0);
    }
  }
}
