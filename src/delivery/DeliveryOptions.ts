import { checkInteger } from '../config/checkInteger.js';
import { ConfigurationError } from '../errors.js';
import { resolveSpillOptions, type SpillOptions } from './spill/SpillOptions.js';

/** `delivery.spill` as given: a folder and, optionally, the other {@link SpillOptions}. */
export type SpillConfig = Partial<SpillOptions> & { dir: string };

/** What a full queue does with one more event. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

/** How events reach one backend. Every field is optional in the tracker's options. */
export interface DeliveryOptions {
  /**
   * Bytes of events held per backend before the overflow policy applies,
   * counted as the length of each event's JSON (as `emit` estimates it for
   * `maxEventSize`). Default 64 MiB.
   */
  maxQueueBytes: number;
  /**
   * Above this many queued bytes, `emit()` returns `false` until the queue is
   * back under it (then the tracker emits `drain`). Default: half of
   * `maxQueueBytes`; at most `maxQueueBytes`.
   */
  highWaterMark: number;
  /**
   * An optional bound on the number of events held per backend, on top of
   * `maxQueueBytes`. Default: none (`Infinity`). When set, a queue holding
   * more than half of it is above the high-water mark too.
   */
  maxQueueSize: number;
  /** Events per `send` call; a full batch is sent at once. Default 500. */
  batchSize: number;
  /** Longest an event waits for its batch to fill before it is sent anyway, in ms. Default 1 000. */
  flushIntervalMs: number;
  /** Batches being sent (or waiting to be retried) at once per backend. Default 1, which keeps order. */
  maxInFlight: number;
  /** Retries of a failed batch after its first try; then its events are dropped (`retries-exhausted`). Default 5. */
  maxRetries: number;
  /** Backoff ceiling of the first retry, doubled for each next one (full jitter), in ms. Default 100. */
  retryBaseDelayMs: number;
  /** Largest backoff ceiling, in ms. Default 30 000. */
  retryMaxDelayMs: number;
  /** A `send` not settled after this long counts as failed (and is retried), in ms. Default 10 000. */
  sendTimeoutMs: number;
  /** Which event a full queue drops: the oldest queued one (default) or the new one. */
  overflow: OverflowPolicy;
  /**
   * A durable spill on disk (one subfolder per backend): with `mode:
   * 'overflow'`, what the queue cannot hold and batches whose retries run out
   * are written there and delivered from there, in order; with `'always'`,
   * every event is written there before it is sent. Default: none.
   */
  spill?: SpillConfig | undefined;
}

/** The defaults of {@link DeliveryOptions}; `highWaterMark` is computed: half of `maxQueueBytes`. */
export const DEFAULT_DELIVERY_OPTIONS: Readonly<Omit<DeliveryOptions, 'highWaterMark'>> = Object.freeze({
  maxQueueBytes: 64 * 1024 ** 2,
  maxQueueSize: Number.POSITIVE_INFINITY,
  batchSize: 500,
  flushIntervalMs: 1_000,
  maxInFlight: 1,
  maxRetries: 5,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 30_000,
  sendTimeoutMs: 10_000,
  overflow: 'drop-oldest',
});

function integer(option: string, value: number, min: number): number {
  return checkInteger(option, value, { min });
}

/** Fills in defaults and validates; `prefix` names the option in errors (`delivery`, `backends.mongo.delivery`). */
export function resolveDeliveryOptions(
  options: Partial<DeliveryOptions> | undefined,
  prefix = 'delivery',
  base: Readonly<Omit<DeliveryOptions, 'highWaterMark'>> & Partial<DeliveryOptions> = DEFAULT_DELIVERY_OPTIONS,
): DeliveryOptions {
  const o = { ...base, ...options } as DeliveryOptions;
  if (o.maxQueueSize !== Number.POSITIVE_INFINITY) integer(`${prefix}.maxQueueSize`, o.maxQueueSize, 1);
  integer(`${prefix}.maxQueueBytes`, o.maxQueueBytes, 1);
  o.highWaterMark ??= Math.floor(o.maxQueueBytes / 2);
  integer(`${prefix}.highWaterMark`, o.highWaterMark, 0);
  if (o.highWaterMark > o.maxQueueBytes) {
    throw new ConfigurationError(`${prefix}.highWaterMark`, `expected at most maxQueueBytes (${o.maxQueueBytes}), got ${o.highWaterMark}`);
  }
  integer(`${prefix}.batchSize`, o.batchSize, 1);
  integer(`${prefix}.flushIntervalMs`, o.flushIntervalMs, 0);
  integer(`${prefix}.maxInFlight`, o.maxInFlight, 1);
  integer(`${prefix}.maxRetries`, o.maxRetries, 0);
  integer(`${prefix}.retryBaseDelayMs`, o.retryBaseDelayMs, 0);
  integer(`${prefix}.retryMaxDelayMs`, o.retryMaxDelayMs, 0);
  integer(`${prefix}.sendTimeoutMs`, o.sendTimeoutMs, 1);
  if (o.overflow !== 'drop-oldest' && o.overflow !== 'drop-newest') {
    throw new ConfigurationError(`${prefix}.overflow`, `expected 'drop-oldest' or 'drop-newest', got ${JSON.stringify(o.overflow)}`);
  }
  if (o.spill !== undefined) resolveSpillOptions(o.spill, `${prefix}.spill`);
  return o;
}
