// Timings (issue #17) over one counter store: run by the memory conformance
// test and by the Redis standalone and Cluster tests. Every store must give
// exactly the answers of a DDSketch fed the same samples in process, and those
// answers must lie within the configured relative error of the exact quantile.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DDSketch } from '@datadog/sketches-js';
import type { CounterStore } from '../../../src/metrics/CounterStore.js';
import { Metrics } from '../../../src/metrics/Metrics.js';
import type { MetricsOptions } from '../../../src/metrics/MetricsOptions.js';
import { FaultyStore, type ConformanceTarget } from './conformance.js';
import { random } from './reference.js';

const FOREVER = { second: Infinity, minute: Infinity, hour: Infinity, day: Infinity, week: Infinity, month: Infinity } as const;
const DAY0 = Date.parse('2026-03-16T00:00:00.000Z'); // a Monday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = DAY0 + 3 * DAY + 5000;
const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

/** Samples per distribution (issue #17: 1 M; about 10 s per case on a shared 2-core VM). TIMING_SAMPLES=200000 runs a lighter variant. */
const SAMPLES = Number(process.env.TIMING_SAMPLES ?? 1_000_000);

async function withMetrics(target: ConformanceTarget, options: MetricsOptions, run: (metrics: Metrics, store: CounterStore) => Promise<void>): Promise<void> {
  const store = options.store ?? target.createStore();
  const metrics = new Metrics({ clock: () => NOW, retention: FOREVER, flushIntervalMs: 60_000, timingGranularities: ['hour', 'day'], ...options, store });
  try {
    await run(metrics, store);
  } finally {
    await store.clear().catch(() => undefined);
    await metrics.close();
  }
}

/** Quantised to 1/64 ms so that sums are exact in doubles whatever the order of addition. */
const q64 = (x: number): number => Math.round(Math.max(0, x) * 64) / 64;

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const DISTRIBUTIONS: Record<string, (rand: () => number) => number> = {
  uniform: (rand) => q64(rand() * 1000),
  lognormal: (rand) => q64(Math.exp(3 + gaussian(rand))),
  bimodal: (rand) => q64(rand() < 0.5 ? 20 + 3 * gaussian(rand) : 400 + 40 * gaussian(rand)),
};

/** DDSketch's rank: the value at quantile q is the sample of 0-based rank floor(q × (n − 1)) in sorted order. */
function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

interface Group {
  values: number[];
  sketch: DDSketch;
}

function group(map: Map<number, Group>, key: number, accuracy: number): Group {
  let g = map.get(key);
  if (g === undefined) {
    g = { values: [], sketch: new DDSketch({ relativeAccuracy: accuracy }) };
    map.set(key, g);
  }
  return g;
}

function checkGroup(label: string, g: Group, got: { count: number; sum: number; min: number; max: number; percentile: (p: number) => number }, accuracy: number): void {
  const sorted = Float64Array.from(g.values).sort();
  assert.equal(got.count, sorted.length, `${label}: count`);
  let sum = 0;
  for (const v of g.values) sum += v;
  assert.equal(got.sum, sum, `${label}: sum`);
  assert.equal(got.min, sorted[0], `${label}: min`);
  assert.equal(got.max, sorted[sorted.length - 1], `${label}: max`);
  for (const p of PERCENTILES) {
    const value = got.percentile(p);
    assert.equal(value, g.sketch.getValueAtQuantile(p / 100), `${label}: p${p} as an in-process DDSketch`);
    const exact = exactQuantile(sorted, p / 100);
    assert.ok(Math.abs(value - exact) <= accuracy * exact * (1 + 1e-9), `${label}: p${p} = ${value}, exact ${exact}`);
  }
}

export function timingConformance(name: string, target: ConformanceTarget): void {
  describe(`timings: ${name}`, () => {
    for (const accuracy of [0.01, 0.02]) {
      it(`${SAMPLES} samples each of uniform, log-normal and bimodal over 3 days: percentiles per hour, day and range within ${accuracy * 100} %; exact counts, sums, min, max`, { timeout: 600_000 }, async () => {
        await withMetrics(target, { timingRelativeAccuracy: accuracy, maxBufferedWrites: 50_000 }, async (metrics) => {
          const slugs = Object.keys(DISTRIBUTIONS);
          const hours = slugs.map(() => new Map<number, Group>());
          const days = slugs.map(() => new Map<number, Group>());
          const whole = slugs.map(() => ({ values: [] as number[], sketch: new DDSketch({ relativeAccuracy: accuracy }) }));
          const rand = random(17);
          for (let i = 0; i < SAMPLES; i++) {
            const at = DAY0 + Math.floor((i / SAMPLES) * 3 * DAY);
            slugs.forEach((slug, s) => {
              const ms = DISTRIBUTIONS[slug]!(rand);
              metrics.timing(slug, ms, { timestamp: at });
              for (const g of [group(hours[s]!, Math.floor((at - DAY0) / HOUR), accuracy), group(days[s]!, Math.floor((at - DAY0) / DAY), accuracy), whole[s]!]) {
                g.values.push(ms);
                g.sketch.accept(ms);
              }
            });
          }
          const range = { since: DAY0, until: DAY0 + 3 * DAY - 1, percentiles: PERCENTILES };
          const hourly = await metrics.getTimingHistory(slugs, { ...range, granularity: 'hour' });
          const daily = await metrics.getTimingHistory(slugs, { ...range, granularity: 'day' });
          assert.equal(hourly.buckets.length, 72);
          assert.deepEqual(daily.buckets.map((b) => b.label), ['2026-03-16', '2026-03-17', '2026-03-18']);
          for (const [history, groups, size] of [[hourly, hours, 72], [daily, days, 3]] as const) {
            history.series.forEach((series, s) => {
              assert.equal(series.slug, slugs[s]);
              for (let b = 0; b < size; b++) {
                checkGroup(`${series.slug} ${history.buckets[b]!.label}`, groups[s]!.get(b)!, {
                  count: series.count[b]!,
                  sum: series.sum[b]!,
                  min: series.min[b]!,
                  max: series.max[b]!,
                  percentile: (p) => series.percentiles[String(p)]![b]!,
                }, accuracy);
                assert.equal(series.mean[b], series.sum[b]! / series.count[b]!);
              }
            });
          }
          for (const [s, slug] of slugs.entries()) {
            const summary = await metrics.getTimingSummary(slug, range);
            assert.deepEqual(summary.buckets, [
              { granularity: 'day', label: '2026-03-16' },
              { granularity: 'day', label: '2026-03-17' },
              { granularity: 'day', label: '2026-03-18' },
            ], 'a 3-day range reads 3 day buckets');
            checkGroup(`${slug} whole range`, whole[s]!, { ...summary, percentile: (p) => summary.percentiles[String(p)]! }, accuracy);
          }
        });
      });
    }

    it('getTimingSummary tiles a range with the coarsest buckets: hours to midnight, then days', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.timing('t', 5, { timestamp: DAY0 + 20 * HOUR + 30_000 });
        metrics.timing('t', 7, { timestamp: DAY0 + 30 * HOUR });
        metrics.timing('t', 1000, { timestamp: DAY0 + 3 * DAY }); // after the range
        metrics.timing('t', 1, { timestamp: DAY0 + 19 * HOUR }); // before it
        const summary = await metrics.getTimingSummary('t', { since: DAY0 + 20 * HOUR + 1, until: DAY0 + 3 * DAY - 1, percentiles: [50] });
        assert.equal(summary.buckets.length, 6);
        assert.deepEqual(summary.buckets.map((b) => b.granularity), ['hour', 'hour', 'hour', 'hour', 'day', 'day']);
        assert.equal(summary.start.toISOString(), '2026-03-16T20:00:00.000Z');
        assert.equal(summary.end.toISOString(), '2026-03-19T00:00:00.000Z');
        assert.equal(summary.count, 2);
        assert.equal(summary.sum, 12);
        assert.equal(summary.min, 5);
        assert.equal(summary.max, 7);
        assert.equal(summary.mean, 6);
      });
    });

    it('empty buckets read as count 0 and NaN; zero durations are counted; timer() records the elapsed ms', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.timing('z', 0, { timestamp: NOW });
        metrics.timing('z', 0, { timestamp: NOW });
        metrics.timing('z', 8, { timestamp: NOW, category: 'api' });
        const stop = metrics.timer('timed');
        const ms = stop();
        assert.ok(ms >= 0);
        const history = await metrics.getTimingHistory(['z', 'timed', 'none'], { granularity: 'hour', limit: 2, percentiles: [50, 100] });
        const [z, timed, none] = history.series;
        assert.deepEqual(z!.count, [0, 3]);
        assert.deepEqual(z!.min, [NaN, 0]);
        const reference = new DDSketch({ relativeAccuracy: 0.01 });
        for (const v of [0, 0, 8]) reference.accept(v);
        assert.deepEqual(z!.percentiles, { '50': [NaN, 0], '100': [NaN, reference.getValueAtQuantile(1)] });
        assert.ok(Math.abs(reference.getValueAtQuantile(1) - 8) <= 0.08);
        assert.deepEqual(timed!.count, [0, 1]);
        assert.ok(Math.abs(timed!.sum[1]! - ms) <= ms * 1e-12, 'the sum of a fractional duration is exact to double precision (HINCRBYFLOAT)');
        assert.equal(timed!.max[1], ms, 'min and max are stored exactly');
        assert.deepEqual(none!.count, [0, 0]);
        assert.deepEqual(await metrics.timingSlugs(), ['timed', 'z']);
        assert.deepEqual(await metrics.categorySlugs('api'), ['z']);
        await metrics.deleteMetric('z');
        assert.deepEqual(await metrics.timingSlugs(), ['timed']);
        assert.deepEqual((await metrics.getTimingHistory('z', { granularity: 'hour', limit: 1 })).series[0]!.count, [0]);
      });
    });

    it('bad input is refused with a ValidationError and writes nothing', async () => {
      await withMetrics(target, {}, async (metrics) => {
        for (const bad of [-1, NaN, Infinity, '5' as unknown as number]) {
          assert.throws(() => metrics.timing('bad', bad), { name: 'ValidationError', reason: 'invalid_number' });
        }
        assert.throws(() => metrics.timing('b{a}d', 1), { name: 'ValidationError' });
        assert.throws(() => metrics.timer('b{a}d'), { name: 'ValidationError' });
        await assert.rejects(metrics.getTimingHistory('x', { granularity: 'minute' }), { name: 'ValidationError', reason: 'granularity_not_stored' });
        await assert.rejects(metrics.getTimingHistory('x', { granularity: 'hour', percentiles: [101] }), { name: 'ValidationError', reason: 'invalid_option' });
        await assert.rejects(metrics.getTimingSummary('x', {} as never), { name: 'ValidationError', reason: 'invalid_range' });
        assert.deepEqual(await metrics.timingSlugs(), []);
      });
    });

    it('a batch whose reply was lost is retried and applied once: counts, bins and sums not doubled', async () => {
      const faulty = new FaultyStore(target.createStore(), ['lose-reply', 'ok']);
      await withMetrics(target, { store: faulty, retry: { initialDelayMs: 5, maxAttempts: 3 } }, async (metrics) => {
        for (let i = 1; i <= 100; i++) metrics.timing('once', i, { timestamp: NOW });
        await metrics.flush().catch(() => undefined);
        await metrics.flush();
        const summary = await metrics.getTimingSummary('once', { since: NOW, until: NOW, percentiles: [50] });
        assert.equal(summary.count, 100);
        assert.equal(summary.sum, 5050);
        assert.equal(summary.min, 1);
        assert.equal(summary.max, 100);
        assert.ok(Math.abs(summary.percentiles['50']! - 50) <= 0.5);
      });
    });

    it('retention as counters: a timing older than its hour retention skips the hour bucket (expiredWrites) and keeps the day', async () => {
      await withMetrics(target, { retention: { ...FOREVER, hour: 3600 } }, async (metrics) => {
        metrics.timing('old', 10, { timestamp: NOW - 2 * DAY });
        await metrics.flush();
        assert.equal(metrics.stats().expiredWrites, 1);
        const daily = await metrics.getTimingHistory('old', { granularity: 'day', since: NOW - 2 * DAY, until: NOW - 2 * DAY });
        const hourly = await metrics.getTimingHistory('old', { granularity: 'hour', since: NOW - 2 * DAY, until: NOW - 2 * DAY });
        assert.deepEqual([daily.series[0]!.count, hourly.series[0]!.count], [[1], [0]]);
      });
    });

    it('min and max merge across flushes (hmin/hmax in the store)', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.timing('mm', 50, { timestamp: NOW });
        await metrics.flush();
        metrics.timing('mm', 20, { timestamp: NOW });
        metrics.timing('mm', 30, { timestamp: NOW });
        await metrics.flush();
        metrics.timing('mm', 90, { timestamp: NOW });
        const [series] = (await metrics.getTimingHistory('mm', { granularity: 'day', limit: 1 })).series;
        assert.deepEqual([series!.count[0], series!.min[0], series!.max[0], series!.sum[0]], [4, 20, 90, 190]);
      });
    });
  });
}
