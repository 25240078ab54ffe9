import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_METRICS_OPTIONS, resolveMetricsOptions, retryWindowMs } from '../../../src/metrics/MetricsOptions.js';

describe('MetricsOptions', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveMetricsOptions({});
    assert.deepEqual(resolved.granularities, ['second', 'minute', 'hour', 'day', 'week', 'month', 'year']);
    assert.deepEqual(resolved.uniqueGranularities, ['hour', 'day', 'week', 'month', 'year']);
    assert.equal(resolved.timeZone, 'UTC');
    assert.equal(resolved.weekStart, 'monday');
    assert.equal(resolved.flushIntervalMs, DEFAULT_METRICS_OPTIONS.flushIntervalMs);
    assert.deepEqual(resolved.retry, { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 10_000 });
    assert.equal(resolved.readYourWrites, true);
    assert.equal(resolved.maxPendingBytes, 64 * 1024 * 1024);
    assert.equal(DEFAULT_METRICS_OPTIONS.maxPendingBytes, 64 * 1024 * 1024);
    assert.equal(resolved.clock, Date.now);
    assert.deepEqual(resolved.timingGranularities, ['minute', 'hour', 'day', 'month']);
    assert.equal(resolved.timingRelativeAccuracy, 0.01);
  });

  it('names the bad option', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ weekStart: 'saturday' }, 'weekStart'],
      [{ granularities: ['hourly'] }, 'granularities'],
      [{ uniqueGranularities: [] }, 'uniqueGranularities'],
      [{ flushIntervalMs: 0 }, 'flushIntervalMs'],
      [{ maxBufferedWrites: 1.5 }, 'maxBufferedWrites'],
      [{ retry: { maxAttempts: -1 } }, 'retry.maxAttempts'],
      [{ retention: { minute: -1 } }, 'retention.minute'],
      [{ clock: 5 }, 'clock'],
      [{ readYourWrites: 'yes' }, 'readYourWrites'],
      [{ maxPendingBytes: 0 }, 'maxPendingBytes'],
      [{ timingRelativeAccuracy: 0 }, 'timingRelativeAccuracy'],
      [{ timingRelativeAccuracy: 1 }, 'timingRelativeAccuracy'],
      [{ timingRelativeAccuracy: '1%' }, 'timingRelativeAccuracy'],
      [{ timingGranularities: ['daily'] }, 'timingGranularities'],
    ];
    for (const [options, option] of cases) assert.throws(() => resolveMetricsOptions(options as never), { name: 'ConfigurationError', option }, option);
  });

  it('computes the longest retry window (timeouts plus capped backoff)', () => {
    assert.equal(retryWindowMs(resolveMetricsOptions({})), 8 * 10_000 + 200 + 400 + 800 + 1600 + 3200 + 6400 + 10_000);
    assert.equal(retryWindowMs(resolveMetricsOptions({ retry: { maxAttempts: 1 }, flushTimeoutMs: 5 })), 5);
  });
});
