import type { TrackedEvent } from '../../event/TrackedEvent.js';
import type { Backend } from '../Backend.js';
import { checkInteger } from '../../config/checkInteger.js';

/** Defaults of {@link MemoryBackendOptions}. */
export const DEFAULT_MEMORY_BACKEND_OPTIONS = Object.freeze({ limit: Infinity });

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** Most events kept; past it the oldest are forgotten (counted in `evicted`). Default: unbounded. */
  limit?: number;
}

/**
 * Keeps every event it receives in {@link MemoryBackend.events}: for tests,
 * demos and in-process inspection.
 */
export class MemoryBackend implements Backend {
  /** The events received, in delivery order. */
  readonly events: TrackedEvent[] = [];
  /** Batches received. */
  batches = 0;
  /** Events forgotten because of `limit`. */
  evicted = 0;
  private readonly limit: number;

  constructor(options: MemoryBackendOptions = {}) {
    const limit = options.limit ?? DEFAULT_MEMORY_BACKEND_OPTIONS.limit;
    if (limit !== Infinity) checkInteger('limit', limit);
    this.limit = limit;
  }

  send(events: readonly TrackedEvent[]): void {
    this.batches++;
    for (const event of events) this.events.push(event);
    const excess = this.events.length - this.limit;
    if (excess > 0) {
      this.events.splice(0, excess);
      this.evicted += excess;
    }
  }

  /** Forgets every event received so far. */
  clear(): void {
    this.events.length = 0;
  }

  /** Received events with this name. */
  named(name: string): TrackedEvent[] {
    return this.events.filter((event) => event.name === name);
  }
}
