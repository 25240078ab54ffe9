import type { TrackedEvent } from '../event/TrackedEvent.js';

/** A bounded FIFO ring buffer of events: O(1) push, evict-oldest and batch take. */
export class EventQueue {
  private readonly slots: (TrackedEvent | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<TrackedEvent | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Appends; the caller checks `full` first. */
  push(event: TrackedEvent): void {
    let at = this.head + this.count;
    if (at >= this.capacity) at -= this.capacity;
    this.slots[at] = event;
    this.count++;
  }

  /** Removes and returns the oldest event. */
  shift(): TrackedEvent | undefined {
    if (this.count === 0) return undefined;
    const event = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return event;
  }

  /** Removes and returns up to `max` of the oldest events, oldest first. */
  take(max: number): TrackedEvent[] {
    const n = Math.min(max, this.count);
    const end = this.head + n;
    let out: TrackedEvent[];
    if (end <= this.capacity) {
      out = this.slots.slice(this.head, end) as TrackedEvent[];
      this.slots.fill(undefined, this.head, end);
    } else {
      out = this.slots.slice(this.head).concat(this.slots.slice(0, end - this.capacity)) as TrackedEvent[];
      this.slots.fill(undefined, this.head);
      this.slots.fill(undefined, 0, end - this.capacity);
    }
    this.head = end % this.capacity;
    this.count -= n;
    return out;
  }
}
