// Shared by the Redis scenarios: a CounterBackend over Metrics over a
// RedisCounterStore, and the totals read back from the server.
import { CounterBackend } from '../../src/backends/counters/CounterBackend.js';
import { Metrics } from '../../src/metrics/Metrics.js';
import type { MetricsOptions } from '../../src/metrics/MetricsOptions.js';
import { RedisCounterStore } from '../../src/metrics/redis/RedisCounterStore.js';
import type { RedisCounterStoreOptions } from '../../src/metrics/redis/RedisCounterStoreOptions.js';
import { createTracker } from '../../src/tracker/createTracker.js';
import type { Tracker } from '../../src/tracker/Tracker.js';
import { KEEP_FOREVER, SLUG_OF, WORKLOAD_RULES, type Workload } from '../unit/backends/counters/workload.js';

/** Metrics that keep retrying through an outage of a few seconds (nothing is dropped), fast timeouts. */
export const PATIENT_METRICS: MetricsOptions = {
  retention: KEEP_FOREVER,
  flushIntervalMs: 50,
  flushTimeoutMs: 500,
  retry: { maxAttempts: 60, initialDelayMs: 50, maxDelayMs: 300 },
};

export interface CounterPipeline {
  tracker: Tracker;
  metrics: Metrics;
  store: RedisCounterStore;
  close(): Promise<void>;
}

/** tracker → CounterBackend (workload rules) → Metrics → RedisCounterStore. */
export function counterPipeline(store: RedisCounterStoreOptions, metricsOptions: MetricsOptions = PATIENT_METRICS): CounterPipeline {
  const redisStore = new RedisCounterStore(store);
  const metrics = new Metrics({ ...metricsOptions, store: redisStore });
  metrics.on('error', () => undefined); // expected during the faults; counted in stats
  const tracker = createTracker({ backends: { counters: new CounterBackend({ metrics, rules: WORKLOAD_RULES }) } });
  tracker.on('error', () => undefined);
  return {
    tracker,
    metrics,
    store: redisStore,
    async close() {
      await tracker.shutdown();
      await metrics.close();
    },
  };
}

/**
 * Waits until Metrics holds nothing buffered or pending (applied or dropped),
 * calling `flush()` meanwhile; `flush()` rejects while the store fails (its
 * batches stay queued and are retried), so rejections are expected here.
 * Resolves whether it got there within `timeoutMs`; the last flush error if not.
 */
export async function settle(metrics: Metrics, timeoutMs: number): Promise<{ settled: boolean; lastError: unknown }> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      await metrics.flush();
    } catch (error) {
      lastError = error;
    }
    const s = metrics.stats();
    if (s.bufferedWrites === 0 && s.pendingWrites === 0) return { settled: true, lastError };
    if (Date.now() >= deadline) return { settled: false, lastError };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Events the server counted (sum of every event slug's yearly totals over the workload's wide window). */
export async function countedEvents(metrics: Metrics, workload: Workload): Promise<number> {
  const slugs = [...new Set(Object.values(SLUG_OF))];
  const history = await metrics.getMetricHistory(slugs, { granularity: 'year', since: workload.wide.since, until: workload.wide.until });
  return history.series.reduce((sum, s) => sum + s.total, 0);
}
