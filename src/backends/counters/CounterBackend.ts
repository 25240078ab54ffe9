import type { TrackedEvent } from '../../event/TrackedEvent.js';
import type { Metrics } from '../../metrics/Metrics.js';
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../metrics/names.js';
import type { Backend } from '../Backend.js';
import { type CounterBackendOptions, resolveCounterBackendOptions, type ResolvedCounterBackendOptions } from './CounterBackendOptions.js';
import type { CompiledRule } from './CounterRule.js';
import type { CounterBackendStats, CounterOutput, CounterSkipReason } from './CounterSkip.js';
import { RecentIds } from './RecentIds.js';
import { RuleStep, type StepSink } from './RuleStep.js';

/** Past this many distinct event names the per-name plans are rebuilt, so memory stays bounded. */
const PLAN_CACHE_SIZE = 10_000;
const NO_STEPS: readonly RuleStep[] = Object.freeze([]);

function epochMs(timestamp: unknown): number {
  if (timestamp instanceof Date) return timestamp.getTime();
  if (typeof timestamp === 'number') return timestamp;
  return typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
}

/**
 * Turns tracked events into time-bucketed counters, per-entity counts, unique
 * counts and gauges in a {@link Metrics} (Redis or memory), by rules.
 *
 * ```ts
 * const metrics = new Metrics({ store: new RedisCounterStore({ url }) });
 * const counters = new CounterBackend({
 *   metrics,
 *   rules: [
 *     { match: 'page.view', unique: 'context.user_id' },          // views, and unique viewers per hour/day/…
 *     { match: 'order.paid', slug: 'revenue', value: 'data.amount', entity: 'context.user_id' },
 *   ],
 * });
 * const tracker = createTracker({ backends: { counters } });
 * ```
 *
 * - Events no rule matched are counted under their name (`defaultRule`).
 * - Each event's `timestamp` is the time of its counts (an event older than
 *   a granularity's retention is not counted at that granularity: Metrics
 *   reports it as `expired` through its `drop` event and `stats()`).
 * - `send` never throws and never waits: it hands the writes to Metrics,
 *   which coalesces them and applies each flush at most once. A write that
 *   cannot be made (a missing path, a value of the wrong type, a name Metrics
 *   refuses) is skipped, counted in {@link CounterBackend.stats} and passed
 *   to `onSkip`; the event's other writes still happen.
 * - An event delivered again (same id, within `dedupeWindow`) is not counted again.
 * - `flush()` resolves when everything sent is in the store; it rejects when
 *   the store failed (Metrics keeps the data and retries it: nothing is lost
 *   or counted twice by the tracker's retry of the flush).
 * - `close()` closes a Metrics the backend created; a Metrics passed in is
 *   flushed and left open.
 */
export class CounterBackend implements Backend {
  /** The Metrics the counts go to (read them back from here). */
  readonly metrics: Metrics;
  private readonly options: ResolvedCounterBackendOptions;
  private readonly recent: RecentIds | undefined;
  private plans = new Map<string, readonly RuleStep[]>();
  private closing: Promise<void> | undefined;
  private readonly counters: CounterBackendStats = { received: 0, duplicates: 0, unmatched: 0, writes: 0, skipped: 0, skipReasons: {} };
  private readonly sink: StepSink = {
    wrote: (count) => {
      this.counters.writes += count;
    },
    skipped: (event, rule, output, reason, path, error) => this.skip(event, rule.option, output, reason, path, error),
  };

  /** @throws ConfigurationError naming the bad option (e.g. `rules[1].entity`). */
  constructor(options: CounterBackendOptions = {}) {
    this.options = resolveCounterBackendOptions(options);
    this.metrics = this.options.metrics;
    this.recent = this.options.dedupeWindow > 0 ? new RecentIds(this.options.dedupeWindow) : undefined;
  }

  /** Hands the batch's counts to Metrics. Never throws, never waits. */
  send(events: readonly TrackedEvent[]): void {
    const { metrics, recent, sink } = this;
    this.counters.received += events.length;
    for (const event of events) {
      if (this.closing !== undefined) {
        this.skip(event, '', 'event', 'closed');
        continue;
      }
      if (recent !== undefined && !recent.add(event.id)) {
        this.counters.duplicates += 1;
        continue;
      }
      const steps = this.plans.get(event.name) ?? this.plan(event);
      if (steps.length === 0) {
        this.counters.unmatched += 1;
        continue;
      }
      const ms = epochMs(event.timestamp);
      if (!(ms >= MIN_TIMESTAMP && ms <= MAX_TIMESTAMP)) {
        this.skip(event, '', 'event', 'invalid', 'timestamp');
        continue;
      }
      for (const step of steps) step.apply(event, ms, metrics, sink);
    }
  }

  /** Writes everything sent so far to the store (`metrics.flush()`); rejects when the store failed. */
  flush(): Promise<void> {
    return this.metrics.flush();
  }

  /** Flushes; then closes the Metrics if the backend created it (within `timeoutMs`, see `Metrics.close`). Idempotent. */
  close(timeoutMs?: number): Promise<void> {
    this.closing ??= this.options.ownsMetrics ? this.metrics.close(timeoutMs) : this.metrics.flush();
    return this.closing;
  }

  /** Counters since construction. */
  stats(): CounterBackendStats {
    return { ...this.counters, skipReasons: { ...this.counters.skipReasons } };
  }

  /** The steps of every rule that applies to this event's name (the default rule when none does). */
  private plan(event: TrackedEvent): readonly RuleStep[] {
    const { rules, defaultRule } = this.options;
    const matching: CompiledRule[] = rules.filter((rule) => rule.matches!(event.name));
    if (matching.length === 0 && defaultRule !== undefined) matching.push(defaultRule);
    const steps = matching.length === 0 ? NO_STEPS : matching.map((rule) => new RuleStep(rule, event));
    if (this.plans.size >= PLAN_CACHE_SIZE) this.plans = new Map();
    this.plans.set(event.name, steps);
    return steps;
  }

  private skip(event: TrackedEvent, rule: string, output: CounterOutput, reason: CounterSkipReason, path?: string, error?: unknown): void {
    this.counters.skipped += 1;
    this.counters.skipReasons[reason] = (this.counters.skipReasons[reason] ?? 0) + 1;
    const { onSkip } = this.options;
    if (onSkip === undefined) return;
    try {
      onSkip({ event, rule, output, reason, ...(path === undefined ? {} : { path }), ...(error === undefined ? {} : { error }) });
    } catch {
      // A throwing listener must not break delivery.
    }
  }
}
