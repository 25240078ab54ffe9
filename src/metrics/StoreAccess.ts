import { CounterStoreError, ValidationError } from '../errors.js';
import type { Calendar } from '../time/Calendar.js';
import type { CounterStore, WriteOp } from './CounterStore.js';
import { checkGranularity, type Granularity } from '../time/granularity.js';
import type { HistoryReader } from './HistoryReader.js';
import type { KeyLayout } from './keys.js';
import type { ResolvedMetricsOptions } from './MetricsOptions.js';

/** What the read and registry helpers of `Metrics` share: the store, the layout, time, and hooks back into `Metrics`. */
export interface StoreAccessParts {
  readonly store: CounterStore;
  readonly layout: KeyLayout;
  readonly calendar: Calendar;
  readonly reader: HistoryReader;
  readonly options: ResolvedMetricsOptions;
  /** Rejects when closed; flushes first when `readYourWrites`. */
  readonly beforeRead: () => Promise<void>;
  /** Rejects when closed; always flushes first, so a delete or rewrite lands after every earlier write. */
  readonly beforeWrite: () => Promise<void>;
  /** Called after any direct registry change, so registrations are sent again. */
  readonly registryChanged: () => void;
  /** Forgets the hot-path state of a deleted slug. */
  readonly forgetSlug: (slug: string) => void;
}

/** Store calls with errors wrapped as `CounterStoreError`, plus small shared helpers. */
export class StoreAccess implements StoreAccessParts {
  readonly store: CounterStore;
  readonly layout: KeyLayout;
  readonly calendar: Calendar;
  readonly reader: HistoryReader;
  readonly options: ResolvedMetricsOptions;
  readonly beforeRead: () => Promise<void>;
  readonly beforeWrite: () => Promise<void>;
  readonly registryChanged: () => void;
  readonly forgetSlug: (slug: string) => void;
  private sequence = 0;

  constructor(parts: StoreAccessParts) {
    ({
      store: this.store,
      layout: this.layout,
      calendar: this.calendar,
      reader: this.reader,
      options: this.options,
      beforeRead: this.beforeRead,
      beforeWrite: this.beforeWrite,
      registryChanged: this.registryChanged,
      forgetSlug: this.forgetSlug,
    } = parts);
  }

  clock(): number {
    return this.options.clock();
  }

  /** Runs a store call; anything but a validation error becomes a `CounterStoreError`. */
  async read<T>(run: () => Promise<T>, operation: 'read' | 'write' | 'delete' = 'read'): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ValidationError || error instanceof CounterStoreError) throw error;
      throw new CounterStoreError(operation, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  /** Sorted members of a registry set. */
  async readSet(key: string): Promise<string[]> {
    await this.beforeRead();
    const [members] = await this.read(() => this.store.readSets([key]));
    return members!.sort();
  }

  /** Applies registry and maintenance ops at once (idempotent ops; not buffered). */
  async writeNow(ops: readonly WriteOp[]): Promise<void> {
    this.registryChanged();
    this.sequence += 1;
    const id = `direct.${process.pid}.${this.clock()}.${this.sequence}.${Math.random().toString(36).slice(2)}`;
    await this.read(() => this.store.write({ id, ops }), 'write');
  }

  /**
   * The granularity of a read, default `'day'`.
   * @throws ValidationError when it is not among `stored`.
   */
  storedGranularity(value: Granularity | undefined, stored: readonly Granularity[], option = 'granularities'): Granularity {
    const granularity = value === undefined ? 'day' : checkGranularity(value);
    if (!stored.includes(granularity)) {
      throw new ValidationError('granularity_not_stored', `granularity '${granularity}' is not stored; the \`${option}\` option lists ${stored.join(', ')}`);
    }
    return granularity;
  }
}
