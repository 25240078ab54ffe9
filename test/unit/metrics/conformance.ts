// The counter store conformance suite: the whole Metrics API over one store.
// Runs over MemoryCounterStore (test/unit/metrics/memory/) and over
// RedisCounterStore on a standalone server and on a Cluster
// (test/integration/metrics/). Expected values are computed independently
// (test/unit/metrics/reference.ts), never by the code under test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CounterStore, WriteBatch, WriteResult } from '../../../src/metrics/CounterStore.js';
import { GRANULARITIES, type Granularity } from '../../../src/time/granularity.js';
import { Metrics } from '../../../src/metrics/Metrics.js';
import type { MetricsOptions } from '../../../src/metrics/MetricsOptions.js';
import { random, referenceLabels } from './reference.js';

/** What the suite needs to know about a store. */
export interface ConformanceTarget {
  /** A fresh, empty store with a prefix no other test uses. */
  createStore(): CounterStore;
  /** A second store over the same data and prefix (to check what a closed one left behind). */
  reopen(store: CounterStore): CounterStore;
  /** Unique counts are exact (memory) rather than HyperLogLog estimates. */
  exactUniques: boolean;
}

/** Keep every bucket: tests write at fixed instants that may lie far from the server's clock. */
const FOREVER = { second: Infinity, minute: Infinity, hour: Infinity, day: Infinity, week: Infinity, month: Infinity } as const;
const NOW = Date.parse('2026-03-18T10:20:30.400Z'); // a Wednesday

async function withMetrics(target: ConformanceTarget, options: MetricsOptions, run: (metrics: Metrics, store: CounterStore) => Promise<void>): Promise<void> {
  const store = options.store ?? target.createStore();
  const metrics = new Metrics({ clock: () => NOW, retention: FOREVER, flushIntervalMs: 60_000, ...options, store });
  try {
    await run(metrics, store);
  } finally {
    await store.clear().catch(() => undefined);
    await metrics.close();
  }
}

/** Wraps a store so that writes fail in scripted ways. */
export class FaultyStore implements CounterStore {
  writes = 0;
  constructor(
    private readonly inner: CounterStore,
    /** Per write call: 'fail' (nothing applied), 'lose-reply' (applied, then an error), 'ok'. */
    private readonly script: ('fail' | 'lose-reply' | 'ok')[],
  ) {}
  get prefix(): string {
    return this.inner.prefix;
  }
  get dedupeWindowMs(): number {
    return this.inner.dedupeWindowMs;
  }
  async write(batch: WriteBatch): Promise<WriteResult> {
    this.writes += 1;
    const mode = this.script.shift() ?? 'ok';
    if (mode === 'fail') throw new Error('connection reset (injected)');
    const result = await this.inner.write(batch);
    if (mode === 'lose-reply') throw new Error('reply lost (injected)');
    return result;
  }
  readHashes = (...a: Parameters<CounterStore['readHashes']>) => this.inner.readHashes(...a);
  readWholeHashes = (...a: Parameters<CounterStore['readWholeHashes']>) => this.inner.readWholeHashes(...a);
  readStrings = (...a: Parameters<CounterStore['readStrings']>) => this.inner.readStrings(...a);
  readSets = (...a: Parameters<CounterStore['readSets']>) => this.inner.readSets(...a);
  countUnique = (...a: Parameters<CounterStore['countUnique']>) => this.inner.countUnique(...a);
  deleteByPrefix = (...a: Parameters<CounterStore['deleteByPrefix']>) => this.inner.deleteByPrefix(...a);
  clear = () => this.inner.clear();
  close = () => this.inner.close();
}

function assertNear(actual: number, expected: number, exact: boolean, message?: string): void {
  if (exact) assert.equal(actual, expected, message);
  else assert.ok(Math.abs(actual - expected) <= Math.max(1, expected * 0.02), `${message ?? ''}: ${actual} ≉ ${expected}`);
}

/** Defines the suite for one store. */
export function counterStoreConformance(name: string, target: ConformanceTarget): void {
  describe(`counter store conformance: ${name}`, () => {
    it('metric() counts at every granularity and getMetric() reads the current buckets', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.metric('signup');
        metrics.metric('signup', 4);
        metrics.metric('signup', 2, { timestamp: NOW - 1000 }); // previous second, same minute
        metrics.metric('signup', 10, { timestamp: new Date(NOW - 86_400_000) }); // yesterday, same week/month/year
        metrics.metric('other', 7);
        assert.deepEqual(await metrics.getMetric('signup'), { second: 5, minute: 7, hour: 7, day: 7, week: 17, month: 17, year: 17 });
        const both = await metrics.getMetrics(['other', 'missing']);
        assert.deepEqual(both, [
          { slug: 'other', values: { second: 7, minute: 7, hour: 7, day: 7, week: 7, month: 7, year: 7 } },
          { slug: 'missing', values: { second: 0, minute: 0, hour: 0, day: 0, week: 0, month: 0, year: 0 } },
        ]);
      });
    });

    it('only the configured granularities are stored', async () => {
      await withMetrics(target, { granularities: ['hour', 'month'] }, async (metrics) => {
        metrics.metric('a', 3);
        assert.deepEqual(await metrics.getMetric('a'), { hour: 3, month: 3 });
        await assert.rejects(metrics.getMetricHistory('a', { granularity: 'day' }), { name: 'ValidationError', reason: 'granularity_not_stored' });
      });
    });

    it('getMetricHistory returns ordered, zero-filled series; columns and aggregate agree', async () => {
      await withMetrics(target, {}, async (metrics) => {
        const day = 86_400_000;
        metrics.metric('a', 1, { timestamp: NOW - 3 * day });
        metrics.metric('a', 2, { timestamp: NOW - day });
        metrics.metric('b', 5, { timestamp: NOW - day });
        metrics.metric('b', 1, { timestamp: NOW });
        const history = await metrics.getMetricHistory(['a', 'b'], { granularity: 'day', since: NOW - 4 * day, until: NOW });
        assert.deepEqual(history.buckets.map((b) => b.label), ['2026-03-14', '2026-03-15', '2026-03-16', '2026-03-17', '2026-03-18']);
        assert.deepEqual(history.series, [
          { slug: 'a', values: [0, 1, 0, 2, 0], total: 3 },
          { slug: 'b', values: [0, 0, 0, 5, 1], total: 6 },
        ]);
        assert.equal(history.buckets[0]!.start.toISOString(), '2026-03-14T00:00:00.000Z');
        assert.equal(history.buckets[0]!.end.toISOString(), '2026-03-15T00:00:00.000Z');
        const defaultRange = await metrics.getMetricHistory('a');
        assert.equal(defaultRange.buckets.length, 30, 'default: the last 30 days');
        assert.equal(defaultRange.buckets.at(-1)!.label, '2026-03-18');
        const columns = await metrics.getMetricHistoryAsColumns(['a', 'b'], { granularity: 'day', limit: 3 });
        assert.deepEqual(columns, [
          ['Period', 'a', 'b'],
          ['2026-03-16', 0, 0],
          ['2026-03-17', 2, 5],
          ['2026-03-18', 0, 1],
        ]);
        const aggregate = await metrics.getAggregateHistory(['a', 'b'], { granularity: 'week', limit: 2 });
        assert.deepEqual(aggregate.buckets.map((b) => b.label), ['2026-W11', '2026-W12']);
        assert.deepEqual(aggregate.values, [1, 8]);
        assert.equal(aggregate.total, 9);
      });
    });

    it('setMetric replaces the value; increments after it add to it', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.metric('downloads', 5);
        metrics.setMetric('downloads', 100);
        assert.deepEqual(await metrics.getMetric('downloads'), { second: 100, minute: 100, hour: 100, day: 100, week: 100, month: 100, year: 100 });
        metrics.metric('downloads', 2);
        metrics.setMetric('downloads', 0, { timestamp: NOW - 3_600_000 }); // an hour ago: only that hour's finer buckets and its coarser ones
        metrics.metric('downloads', 1);
        const values = await metrics.getMetric('downloads');
        assert.equal(values.second, 103);
        assert.equal(values.hour, 103);
        assert.equal(values.day, 1, 'the day bucket was set to 0 by the later setMetric, then +1');
      });
    });

    it('recordMetrics writes only between minGranularity and maxGranularity', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.recordMetrics('app_usage', { count: 10, minGranularity: 'minute', maxGranularity: 'day', category: 'activity' });
        metrics.recordMetrics('app_usage', { timestamp: NOW });
        assert.deepEqual(await metrics.getMetric('app_usage'), { second: 1, minute: 11, hour: 11, day: 11, week: 1, month: 1, year: 1 });
        assert.deepEqual(await metrics.categorySlugs('activity'), ['app_usage']);
        assert.throws(() => metrics.recordMetrics('x', { minGranularity: 'year', maxGranularity: 'day' }), { name: 'ValidationError' });
      });
    });

    it("a per-call expire expires only the buckets that call wrote, not their neighbours (django-redis-metrics)", async () => {
      // The store's clock is real time (Redis expires by the server's clock), so this Metrics uses it too.
      await withMetrics(target, { clock: Date.now }, async (metrics) => {
        const june2021 = Date.parse('2021-06-15T12:00:00Z');
        metrics.metric('e', 5, { timestamp: Date.parse('2020-06-15T12:00:00Z') });
        metrics.metric('e', 3, { timestamp: Date.parse('2021-05-15T12:00:00Z') });
        metrics.metric('e', 1, { timestamp: june2021, expire: 1 });
        metrics.metric('e', 2, { timestamp: june2021 + 1000 }); // the next second, same minute … year: shares their expiry
        const years = async () => (await metrics.getMetricHistory('e', { granularity: 'year', since: Date.parse('2020-01-01T00:00:00Z'), until: june2021 })).series[0]!.values;
        const months = async () => (await metrics.getMetricHistory('e', { granularity: 'month', since: Date.parse('2021-05-01T00:00:00Z'), until: june2021 })).series[0]!.values;
        const seconds = async () => (await metrics.getMetricHistory('e', { granularity: 'second', since: june2021, until: june2021 + 1000 })).series[0]!.values;
        assert.deepEqual(await years(), [5, 6]);
        assert.deepEqual(await months(), [3, 3]);
        assert.deepEqual(await seconds(), [1, 2]);
        const deadline = Date.now() + 5000;
        while ((await years())[1] !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        // Each bucket the call wrote expires whole (as django-redis-metrics' keys do), the others stay.
        assert.deepEqual(await years(), [5, 0], 'the 2020 total (same storage unit as 2021) stays');
        assert.deepEqual(await months(), [3, 0], 'May 2021 (same storage unit as June) stays');
        assert.deepEqual(await seconds(), [0, 2], 'the next second was not written by the expiring call');
        metrics.metric('e', 4, { timestamp: june2021 });
        assert.deepEqual(await years(), [5, 4], 'a write after the expiry starts the bucket afresh');
      });
    });

    it('decimal and negative increments', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.metric('revenue', 1.5);
        metrics.metric('revenue', 2.25);
        await metrics.flush();
        metrics.metric('revenue', 3);
        metrics.metric('stock', 10);
        metrics.metric('stock', -4);
        const values = await metrics.getMetrics(['revenue', 'stock']);
        assert.equal(values[0]!.values.day, 6.75);
        assert.equal(values[1]!.values.day, 6);
      });
    });

    it('amounts whose buffered sum cannot be represented are refused at call time; nothing else is lost', async () => {
      await withMetrics(target, {}, async (metrics) => {
        const errors: Error[] = [];
        metrics.on('error', (error) => errors.push(error));
        metrics.metric('big', 1e308);
        assert.throws(() => metrics.metric('big', 1e308), { name: 'ValidationError', reason: 'invalid_number' });
        assert.throws(() => metrics.trackCount('e', 'm', -1e308), { name: 'ValidationError', reason: 'invalid_number' }, 'the bound is on absolute amounts');
        assert.throws(() => metrics.setMetric('other', 1e308), { name: 'ValidationError', reason: 'invalid_number' });
        metrics.metric('small', 2);
        await metrics.flush();
        assert.equal((await metrics.getMetric('big')).year, 1e308);
        assert.equal((await metrics.getMetric('small')).year, 2);
        assert.equal(metrics.stats().rejectedOps, 0);
        assert.equal(metrics.stats().droppedWrites, 0);
        assert.deepEqual(errors, []);
        // After a flush the bound starts again; a stored total past ±1.8e308 reads as Infinity (documented).
        metrics.metric('big', 1e308);
        metrics.metric('small', 3);
        await metrics.flush();
        assert.equal((await metrics.getMetric('big')).year, Number.POSITIVE_INFINITY);
        assert.equal((await metrics.getMetric('small')).year, 5);
      });
    });

    it('registries: slugs, categories, resetCategory, deleteCategory, deleteMetric', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.metric('signup', 1, { category: 'User Metrics' });
        metrics.metric('login', 1, { category: 'User Metrics' });
        metrics.metric('error', 1, { category: 'ops' });
        metrics.metric('plain');
        assert.deepEqual(await metrics.metricSlugs(), ['error', 'login', 'plain', 'signup']);
        assert.deepEqual(await metrics.categories(), ['User Metrics', 'ops']);
        assert.deepEqual(await metrics.categorySlugs('User Metrics'), ['login', 'signup']);
        assert.deepEqual(await metrics.metricSlugsByCategory(), { Uncategorized: ['plain'], 'User Metrics': ['login', 'signup'], ops: ['error'] });

        await metrics.resetCategory('ops', ['error', 'plain']);
        assert.deepEqual(await metrics.categorySlugs('ops'), ['error', 'plain']);
        await metrics.deleteCategory('ops');
        assert.deepEqual(await metrics.categories(), ['User Metrics']);
        assert.equal((await metrics.getMetric('error')).day, 1, 'deleting a category keeps its metrics');

        metrics.unique('signup', 'u1');
        await metrics.deleteMetric('signup');
        assert.deepEqual(await metrics.metricSlugs(), ['error', 'login', 'plain']);
        assert.deepEqual(await metrics.categorySlugs('User Metrics'), ['login']);
        assert.equal((await metrics.getMetric('signup')).year, 0);
        assert.equal(await metrics.getUnique('signup'), 0);
        assert.equal((await metrics.getMetric('login')).year, 1, 'other slugs untouched');

        metrics.metric('signup', 2, { category: 'User Metrics' });
        assert.deepEqual(await metrics.categorySlugs('User Metrics'), ['login', 'signup'], 'a deleted slug registers again');
        await metrics.resetCategory('User Metrics', []);
        assert.deepEqual(await metrics.categories(), []);
      });
    });

    it('gauges hold the last value', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.gauge('total-downloads', 0);
        metrics.gauge('total-downloads', 9999);
        metrics.gauge('queue', 2.5);
        assert.equal(await metrics.getGauge('total-downloads'), 9999);
        assert.equal(await metrics.getGauge('queue'), 2.5);
        assert.equal(await metrics.getGauge('missing'), undefined);
        assert.deepEqual(await metrics.gaugeSlugs(), ['queue', 'total-downloads']);
        await metrics.deleteGauge('queue');
        assert.equal(await metrics.getGauge('queue'), undefined);
        assert.deepEqual(await metrics.gaugeSlugs(), ['total-downloads']);
      });
    });

    it('unique counts per bucket and as a union over a range', async () => {
      await withMetrics(target, {}, async (metrics) => {
        const day = 86_400_000;
        for (let i = 0; i < 60; i++) metrics.unique('visitors', `user-${i}`, { timestamp: NOW - 2 * day }); // 0..59
        for (let i = 40; i < 100; i++) metrics.unique('visitors', `user-${i}`, { timestamp: NOW - day }); // 40..99
        for (let i = 0; i < 30; i++) metrics.unique('visitors', i % 10); // numbers 0..9, today
        const exact = target.exactUniques;
        assertNear(await metrics.getUnique('visitors', { since: NOW - 2 * day, until: NOW - 2 * day }), 60, exact, 'one day');
        assertNear(await metrics.getUnique('visitors', { since: NOW - 2 * day, until: NOW - day }), 100, exact, 'union of two days');
        assertNear(await metrics.getUnique('visitors'), 10, exact, 'today (default range)');
        assertNear(await metrics.getUnique('visitors', { granularity: 'week' }), 110, exact, 'this week');
        assertNear(await metrics.getUnique('visitors', { granularity: 'hour', limit: 1 }), 10, exact, 'this hour');
        await assert.rejects(metrics.getUnique('visitors', { granularity: 'second' }), { reason: 'granularity_not_stored' });
        assert.ok((await metrics.metricSlugs()).includes('visitors'));
      });
    });

    it('per-entity metrics (py-analytics): trackMetric, by day/week/month, getEntityMetrics, counts', async () => {
      await withMetrics(target, {}, async (metrics) => {
        const day = 86_400_000;
        const yearAgo = NOW - 265 * day;
        metrics.trackMetric('user:1234', 'comment', { timestamp: yearAgo });
        metrics.trackMetric('user:1234', 'comment', { timestamp: yearAgo, n: 3 });
        metrics.trackMetric('user:1234', ['comments', 'likes'], { timestamp: yearAgo });
        metrics.trackMetric(['user:1234', 4567], 'comment', { timestamp: NOW });
        const byDay = await metrics.getMetricByDay('user:1234', 'comment', { since: yearAgo, limit: 20 });
        assert.equal(byDay.buckets.length, 20);
        assert.equal(byDay.buckets[0]!.label, '2025-06-26');
        assert.deepEqual(byDay.values.slice(0, 2), [4, 0]);
        assert.equal(byDay.total, 4);
        const byWeek = await metrics.getMetricByWeek('user:1234', 'comment');
        assert.equal(byWeek.buckets.length, 10);
        assert.equal(byWeek.buckets.at(-1)!.label, '2026-W12');
        assert.equal(byWeek.values.at(-1), 1);
        const byMonth = await metrics.getMetricByMonth('user:1234', 'comment', { since: yearAgo, limit: 12 });
        assert.equal(byMonth.values[0], 4);
        assert.equal(byMonth.total, 5);
        const many = await metrics.getEntityMetrics([['user:1234', 'likes'], [4567, 'comment']], { since: yearAgo, limit: 10, groupBy: 'month' });
        assert.deepEqual(many.map((s) => [s.entity, s.metric, s.total]), [['user:1234', 'likes', 1], ['4567', 'comment', 1]]);
        assert.equal(many[0]!.buckets, many[1]!.buckets, 'shared buckets');

        metrics.trackCount('user:1245', 'login');
        metrics.trackCount('user:1245', 'login', 3);
        assert.equal(await metrics.getCount('user:1245', 'login'), 4);
        assert.deepEqual(await metrics.getCounts([['user:1245', 'login'], ['user:1245', 'logout']]), [4, 0]);
        assert.equal(await metrics.getCount('user:1234', 'comment', { since: yearAgo - day, until: NOW }), 5, 'range: sum of days');
        assert.equal(await metrics.getCount('user:1234', 'comment', { since: NOW - day }), 1);
      });
    });

    it('py-analytics counts: trackMetric adds to the total, getCounts takes a range, setMetricByDay adjusts the total', async () => {
      await withMetrics(target, {}, async (metrics) => {
        const day = 86_400_000;
        metrics.trackMetric('u', 'comment', { n: 3 });
        metrics.trackCount('u', 'comment', 10);
        assert.equal(await metrics.getCount('u', 'comment'), 13, 'py-analytics: track_metric also increments the counter');
        metrics.trackMetric(['u', 'v'], 'comment', { n: 2, timestamp: NOW - 2 * day });
        assert.deepEqual(await metrics.getCounts([['u', 'comment'], ['v', 'comment'], ['w', 'comment']]), [15, 2, 0]);
        assert.deepEqual(await metrics.getCounts([['u', 'comment'], ['v', 'comment']], { since: NOW - 2 * day, until: NOW - day }), [2, 2], 'range: the days only');
        assert.deepEqual(await metrics.getCounts([['u', 'comment'], ['v', 'comment']], { since: NOW - 2 * day }), [5, 2], 'until defaults to now');
        await assert.rejects(metrics.getCounts([['u', 'comment']], { until: NOW }), { reason: 'invalid_range' });

        // set_metric_by_day(update_counter=True): the total moves by the day's difference, even with increments
        // of that day still buffered before the call and after it.
        metrics.trackMetric('u', 'comment', { n: 4, timestamp: NOW - 2 * day }); // day = 6, total 19
        metrics.setMetricByDay('u', 'comment', NOW - 2 * day, 10); // day = 10, total 19 + 4 = 23
        metrics.trackMetric('u', 'comment', { n: 1, timestamp: NOW - 2 * day }); // day = 11, total 24
        assert.equal((await metrics.getMetricByDay('u', 'comment', { since: NOW - 2 * day, limit: 1 })).values[0], 11);
        assert.equal(await metrics.getCount('u', 'comment'), 24);
        metrics.setMetricByDay('v', 'comment', NOW - 5 * day, 7); // a day never tracked: total + 7
        metrics.setMetricByDay('v', 'comment', NOW - 2 * day, 0, { updateCounter: false });
        assert.equal(await metrics.getCount('v', 'comment'), 9);
        assert.equal(await metrics.getCount('v', 'comment', { since: NOW - 6 * day }), 7);
        assert.throws(() => metrics.setMetricByDay('v', 'comment', NOW, 1, { updateCounter: 'yes' as unknown as boolean }), { name: 'ValidationError' });
      });
    });

    it('setMetricByDay replaces a day; syncAggregateMetric recomputes weeks and months', async () => {
      await withMetrics(target, {}, async (metrics) => {
        const day = 86_400_000;
        metrics.trackMetric('u', 'posts', { timestamp: NOW - day, n: 2 });
        metrics.trackMetric('u', 'posts', { timestamp: NOW, n: 3 });
        metrics.setMetricByDay('u', 'posts', NOW - day, 10);
        assert.equal((await metrics.getMetricByWeek('u', 'posts', { limit: 1 })).values[0], 5, 'not synced yet');
        await metrics.syncAggregateMetric('u', 'posts', { since: NOW - 2 * day, until: NOW });
        assert.equal((await metrics.getMetricByWeek('u', 'posts', { limit: 1 })).values[0], 13);
        assert.equal((await metrics.getMetricByMonth('u', 'posts', { limit: 1 })).values[0], 13);
      });
    });

    it('DST: the repeated hour of Europe/Berlin is counted in two buckets', async () => {
      await withMetrics(target, { timeZone: 'Europe/Berlin' }, async (metrics) => {
        metrics.metric('x', 1, { timestamp: Date.parse('2026-10-25T00:30:00Z') }); // 02:30 CEST
        metrics.metric('x', 2, { timestamp: Date.parse('2026-10-25T01:30:00Z') }); // 02:30 CET
        metrics.metric('x', 4, { timestamp: Date.parse('2026-03-29T01:30:00Z') }); // 03:30 CEST, after the gap
        const fall = await metrics.getMetricHistory('x', { granularity: 'hour', since: Date.parse('2026-10-25T00:00:00Z'), until: Date.parse('2026-10-25T01:59:59Z') });
        assert.deepEqual(fall.buckets.map((b) => b.label), ['2026-10-25T02:00+02:00', '2026-10-25T02:00+01:00']);
        assert.deepEqual(fall.series[0]!.values, [1, 2]);
        const spring = await metrics.getMetricHistory('x', { granularity: 'hour', since: Date.parse('2026-03-29T00:00:00Z'), until: Date.parse('2026-03-29T01:59:59Z') });
        assert.deepEqual(spring.buckets.map((b) => b.label), ['2026-03-29T01:00+01:00', '2026-03-29T03:00+02:00']);
        assert.deepEqual(spring.series[0]!.values, [0, 4]);
        const days = await metrics.getMetricHistory('x', { granularity: 'day', since: Date.parse('2026-10-25T00:30:00Z'), until: Date.parse('2026-10-25T12:00:00Z') });
        assert.deepEqual(days.series[0]!.values, [3]);
      });
    });

    it('DST: a 30-minute change (Australia/Lord_Howe) cuts the hour at the change; a one-instant range is one bucket', async () => {
      await withMetrics(target, { timeZone: 'Australia/Lord_Howe' }, async (metrics) => {
        metrics.metric('lh', 1, { timestamp: Date.parse('2026-04-04T14:40:00Z') }); // 01:40+11:00
        metrics.metric('lh', 2, { timestamp: Date.parse('2026-04-04T15:10:00Z') }); // 01:40+10:30
        const one = await metrics.getMetricHistory('lh', { granularity: 'hour', since: Date.parse('2026-04-04T14:40:00Z'), until: Date.parse('2026-04-04T14:40:00Z') });
        assert.deepEqual(one.buckets.map((b) => b.label), ['2026-04-05T01:00+11:00']);
        assert.deepEqual(one.series[0]!.values, [1]);
        const both = await metrics.getMetricHistory('lh', { granularity: 'hour', since: Date.parse('2026-04-04T14:00:00Z'), until: Date.parse('2026-04-04T15:29:00Z') });
        assert.deepEqual(both.buckets.map((b) => [b.label, b.start.toISOString()]), [
          ['2026-04-05T01:00+11:00', '2026-04-04T14:00:00.000Z'],
          ['2026-04-05T01:00+10:30', '2026-04-04T15:00:00.000Z'],
        ]);
        assert.deepEqual(both.series[0]!.values, [1, 2]);
      });
    });

    it('ISO week 53 at year ends is its own zero-padded bucket', async () => {
      await withMetrics(target, {}, async (metrics) => {
        metrics.metric('w', 1, { timestamp: Date.parse('2020-12-31T12:00:00Z') });
        metrics.metric('w', 2, { timestamp: Date.parse('2021-01-03T12:00:00Z') });
        metrics.metric('w', 4, { timestamp: Date.parse('2021-01-04T12:00:00Z') });
        metrics.metric('w', 8, { timestamp: Date.parse('2027-01-01T00:00:00Z') });
        const h2020 = await metrics.getMetricHistory('w', { granularity: 'week', since: Date.parse('2020-12-21T00:00:00Z'), until: Date.parse('2021-01-05T00:00:00Z') });
        assert.deepEqual(h2020.buckets.map((b) => b.label), ['2020-W52', '2020-W53', '2021-W01']);
        assert.deepEqual(h2020.series[0]!.values, [0, 3, 4]);
        const h2026 = await metrics.getMetricHistory('w', { granularity: 'week', since: Date.parse('2026-12-28T00:00:00Z'), until: Date.parse('2027-01-04T00:00:00Z') });
        assert.deepEqual(h2026.buckets.map((b) => b.label), ['2026-W53', '2027-W01']);
        assert.deepEqual(h2026.series[0]!.values, [8, 0]);
        const years = await metrics.getMetricHistory('w', { granularity: 'year', since: Date.parse('2020-06-01T00:00:00Z'), until: Date.parse('2027-06-01T00:00:00Z') });
        assert.deepEqual(years.series[0]!.values, [1, 6, 0, 0, 0, 0, 0, 8]);
      });
    });

    for (const timeZone of ['Europe/Berlin', 'America/New_York']) {
      it(`2000 random events with random timestamps match independently computed buckets (${timeZone})`, async () => {
        await withMetrics(target, { timeZone, maxBufferedWrites: 500 }, async (metrics) => {
          // Windows around DST changes, year ends and ISO week 53.
          const windows = ['2026-03-29T00:00:00Z', '2026-03-08T05:30:00Z', '2026-10-24T23:30:00Z', '2026-11-01T04:00:00Z', '2026-12-31T21:00:00Z', '2020-12-31T21:00:00Z', '2027-01-03T20:00:00Z'].map(Date.parse);
          const span = 3 * 3_600_000;
          const slugs = ['alpha', 'beta', 'gamma'];
          const next = random(timeZone.length);
          const expected = new Map<string, Map<string, number>>(); // `${slug}/${g}` → label → total
          for (let i = 0; i < 2000; i++) {
            const ms = windows[Math.floor(next() * windows.length)]! + Math.floor(next() * span);
            const slug = slugs[Math.floor(next() * slugs.length)]!;
            const n = 1 + Math.floor(next() * 5);
            metrics.metric(slug, n, { timestamp: i % 2 === 0 ? ms : new Date(ms) });
            const labels = referenceLabels(ms, timeZone);
            for (const g of GRANULARITIES) {
              const key = `${slug}/${g}`;
              const map = expected.get(key) ?? new Map<string, number>();
              map.set(labels[g], (map.get(labels[g]) ?? 0) + n);
              expected.set(key, map);
            }
          }
          for (const g of GRANULARITIES) {
            const ranges: [number, number][] =
              ['second', 'minute', 'hour'].includes(g) ? windows.map((w) => [w, w + span - 1]) : [[Date.parse('2020-12-01T00:00:00Z'), Date.parse('2027-02-01T00:00:00Z')]];
            const seen = new Map<string, Map<string, number>>(slugs.map((s) => [s, new Map()]));
            for (const [since, until] of ranges) {
              const history = await metrics.getMetricHistory(slugs, { granularity: g as Granularity, since, until });
              const starts = history.buckets.map((b) => b.start.getTime());
              assert.deepEqual(starts, [...starts].sort((a, b) => a - b), `${g} buckets in order`);
              history.series.forEach((series) => {
                series.values.forEach((value, i) => seen.get(series.slug)!.set(history.buckets[i]!.label, value));
              });
            }
            for (const slug of slugs) {
              const want = expected.get(`${slug}/${g}`)!;
              const got = seen.get(slug)!;
              for (const [label, total] of want) assert.equal(got.get(label), total, `${slug} ${g} ${label}`);
              for (const [label, value] of got) if (!want.has(label)) assert.equal(value, 0, `${slug} ${g} ${label} should be empty`);
            }
          }
        });
      });
    }

    it('a batch written twice (a retry after a lost reply) is applied once', async () => {
      await withMetrics(target, {}, async (metrics, store) => {
        const key = `${store.prefix}{dup}:m:d:2026-03`;
        const batch: WriteBatch = {
          id: `dup-${Math.random()}`,
          ops: [
            { kind: 'hincr', key, fields: ['18'], values: [5] },
            { kind: 'sadd', key: `${store.prefix}{#}:r:slugs`, members: ['dup'] },
          ],
        };
        const first = await store.write(batch);
        const second = await store.write(batch);
        assert.ok(first.applied >= 1);
        assert.equal(first.duplicates, 0);
        assert.equal(second.applied, 0);
        assert.equal(second.duplicates, first.applied);
        assert.deepEqual(await store.readHashes([{ key, fields: ['18'] }]), [[5]]);
        await store.write({ ...batch, id: `${batch.id}-other` });
        assert.deepEqual(await store.readHashes([{ key, fields: ['18'] }]), [[10]], 'a new id is a new batch');
        assert.equal((await metrics.getMetric('dup')).day, 10);
      });
    });

    it('a flush whose reply was lost is retried with the same id and not double counted', async () => {
      const faulty = new FaultyStore(target.createStore(), ['lose-reply', 'fail', 'ok']);
      const errors: Error[] = [];
      // A long first retry delay keeps the background retry out of the way of the explicit flushes.
      await withMetrics(target, { store: faulty, retry: { initialDelayMs: 5000, maxAttempts: 5 } }, async (metrics) => {
        metrics.on('error', (error) => errors.push(error));
        for (let i = 0; i < 10; i++) metrics.metric('retried', 1, { timestamp: NOW - i * 1000 });
        metrics.metric('retried', 5, { timestamp: NOW - 86_400_000 });
        await assert.rejects(metrics.flush(), { name: 'CounterStoreError', operation: 'write', attempt: 1 });
        await assert.rejects(metrics.flush(), { name: 'CounterStoreError', attempt: 2 });
        await metrics.flush();
        assert.equal(faulty.writes, 3);
        assert.deepEqual(await metrics.getMetric('retried'), { second: 1, minute: 10, hour: 10, day: 10, week: 15, month: 15, year: 15 });
        const stats = metrics.stats();
        assert.ok(stats.duplicateParts >= 1, 'the third try found the batch applied');
        assert.equal(stats.failedFlushes, 2);
        assert.equal(stats.droppedWrites, 0);
        assert.equal(errors.length, 2);
      });
    });

    it('a failing store is retried in the background, then the batch is dropped and counted', async () => {
      const faulty = new FaultyStore(target.createStore(), ['fail', 'fail', 'fail']);
      const drops: { reason: string; writes: number }[] = [];
      await withMetrics(target, { store: faulty, retry: { initialDelayMs: 5, maxAttempts: 3 } }, async (metrics) => {
        metrics.on('drop', (info) => drops.push(info));
        metrics.metric('lost', 1);
        await assert.rejects(metrics.flush());
        for (let i = 0; i < 100 && drops.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.deepEqual(drops.map((d) => d.reason), ['retries_exhausted']);
        assert.equal(drops[0]!.writes, 8, '7 buckets + the slug registration');
        assert.equal(metrics.stats().droppedWrites, 8);
        assert.equal(metrics.stats().pendingBatches, 0);
        metrics.metric('kept', 1);
        assert.equal((await metrics.getMetric('kept')).year, 1, 'the store works again');
      });
    });

    it('while the store fails, what waits stays within maxPendingBytes and maxBufferedWrites; overflow drops are counted exactly', async () => {
      const faulty = new FaultyStore(target.createStore(), new Array<'fail'>(1000).fill('fail'));
      const bound = 100_000;
      const options: MetricsOptions = { store: faulty, granularities: ['day'], maxBufferedWrites: 50, maxPendingBytes: bound, retry: { initialDelayMs: 60_000, maxAttempts: 2 } };
      await withMetrics(target, options, async (metrics) => {
        const drops: { reason: string; writes: number }[] = [];
        metrics.on('drop', (info) => drops.push(info));
        metrics.on('error', () => undefined);
        let peak = 0;
        for (let i = 0; i < 3000; i++) {
          metrics.metric(`s${i}`, 1); // one day bucket + one slug registration: 2 writes
          metrics.trackMetric(`user${i}`, 'm'); // day, week, month and the total: 4 writes
          const stats = metrics.stats();
          peak = Math.max(peak, stats.pendingBytes);
          assert.ok(stats.pendingBytes <= bound, `pending ${stats.pendingBytes} bytes after ${i + 1} calls`);
          assert.ok(stats.bufferedWrites <= 2 * 50 + 6, `buffered ${stats.bufferedWrites} after ${i + 1} calls`);
        }
        await assert.rejects(metrics.flush());
        const stats = metrics.stats();
        assert.ok(peak > bound / 2, `the bound was reached (${peak})`);
        assert.ok(stats.droppedWrites > 0);
        assert.deepEqual(new Set(drops.map((d) => d.reason)), new Set(['overflow']));
        assert.equal(drops.reduce((total, d) => total + d.writes, 0), stats.droppedWrites, 'every dropped write reported');
        assert.equal(stats.droppedWrites + stats.pendingWrites + stats.bufferedWrites + stats.appliedWrites, 3000 * 6, 'nothing unaccounted');
      });
    });

    it('flush() makes every earlier write visible (readYourWrites off)', async () => {
      await withMetrics(target, { readYourWrites: false }, async (metrics) => {
        metrics.metric('late', 3);
        metrics.gauge('g', 1);
        metrics.unique('u', 'm');
        metrics.trackCount('e', 'c', 2);
        assert.equal((await metrics.getMetric('late')).day, 0, 'still buffered');
        await metrics.flush();
        assert.equal((await metrics.getMetric('late')).day, 3);
        assert.equal(await metrics.getGauge('g'), 1);
        assert.equal(await metrics.getCount('e', 'c'), 2);
        assert.equal(metrics.stats().bufferedWrites, 0);
      });
    });

    it('a full buffer starts a flush by itself; so does the interval timer', async () => {
      await withMetrics(target, { maxBufferedWrites: 20, readYourWrites: false }, async (metrics) => {
        for (let i = 0; i < 30; i++) metrics.metric('busy', 1, { timestamp: NOW - i * 61_000 });
        for (let i = 0; i < 50 && metrics.stats().flushes === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.ok(metrics.stats().flushes >= 1);
      });
      await withMetrics(target, { flushIntervalMs: 20, readYourWrites: false }, async (metrics) => {
        metrics.metric('timed', 2);
        for (let i = 0; i < 100 && metrics.stats().flushes === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal((await metrics.getMetric('timed')).day, 2);
      });
    });

    it('clearAll() deletes exactly the keys under the prefix and pending writes', async () => {
      await withMetrics(target, {}, async (metrics, store) => {
        const foreign = `other${store.prefix}{x}:keep`;
        // A store whose prefix extends this one's (prefix `app` and `app2`): its keys are not ours.
        const longer = `${store.prefix}2{a}:m:y:all`;
        await store.write({ id: `foreign-${Math.random()}`, ops: [{ kind: 'set', key: foreign, value: 'v' }] });
        await store.write({ id: `longer-${Math.random()}`, ops: [{ kind: 'hincr', key: longer, fields: ['2026'], values: [7] }] });
        metrics.metric('a', 1);
        metrics.gauge('g', 1);
        await metrics.flush();
        metrics.metric('pending', 1);
        const deleted = await metrics.clearAll();
        assert.ok(deleted >= 9, `deleted ${deleted}`);
        assert.deepEqual(await metrics.metricSlugs(), []);
        assert.equal((await metrics.getMetric('a')).year, 0);
        assert.equal((await metrics.getMetric('pending')).year, 0, 'buffered writes discarded');
        assert.deepEqual(await store.readStrings([foreign]), ['v'], 'a key outside the prefix survives');
        assert.deepEqual(await store.readHashes([{ key: longer, fields: ['2026'] }]), [[7]], "a longer prefix's keys survive");
        await store.write({ id: `foreign-del-${Math.random()}`, ops: [{ kind: 'del', key: foreign }] });
        await store.deleteByPrefix(`${store.prefix}2{`);
        metrics.metric('a', 2);
        assert.equal((await metrics.getMetric('a')).year, 2, 'usable after clearAll');
      });
    });

    it('bad input throws ValidationError at call time and writes nothing', async () => {
      await withMetrics(target, {}, async (metrics) => {
        const bad: [string, () => void][] = [
          ['empty slug', () => metrics.metric('')],
          ['brace', () => metrics.metric('a{b}')],
          ['glob', () => metrics.metric('a*')],
          ['newline', () => metrics.metric('a\nb')],
          ['too long', () => metrics.metric('x'.repeat(201))],
          ['not a string', () => metrics.metric(42 as unknown as string)],
          ['NaN', () => metrics.metric('a', Number.NaN)],
          ['Infinity', () => metrics.metric('a', Number.POSITIVE_INFINITY)],
          ['string n', () => metrics.metric('a', '1' as unknown as number)],
          ['invalid Date', () => metrics.metric('a', 1, { timestamp: new Date('nope') })],
          ['before 1970', () => metrics.metric('a', 1, { timestamp: -1 })],
          ['year 10000', () => metrics.metric('a', 1, { timestamp: Date.UTC(10000, 0, 1) })],
          ['bad expire', () => metrics.metric('a', 1, { expire: -5 })],
          ['bad category', () => metrics.metric('a', 1, { category: '' })],
          ['gauge NaN', () => metrics.gauge('g', Number.NaN)],
          ['unique object', () => metrics.unique('u', {} as unknown as string)],
          ['entity', () => metrics.trackMetric('', 'm')],
          ['entity metric', () => metrics.trackMetric('e', 'm*')],
          ['entity NaN', () => metrics.trackMetric(Number.NaN, 'm')],
          ['count', () => metrics.trackCount('e', 'm', Number.NaN)],
          ['granularity', () => metrics.recordMetrics('a', { minGranularity: 'fortnight' as Granularity })],
        ];
        for (const [what, call] of bad) assert.throws(call, { name: 'ValidationError' }, what);
        assert.equal(metrics.stats().bufferedWrites, 0);
        assert.deepEqual(await metrics.metricSlugs(), []);
        await assert.rejects(metrics.getMetricHistory('a', { since: NOW, until: NOW - 1 }), { reason: 'invalid_range' });
        await assert.rejects(metrics.getMetricHistory('a', { granularity: 'second', since: 0, until: NOW }), { reason: 'range_too_large' });
        // Names with other punctuation, spaces and Unicode are fine.
        for (const slug of ['user:1234', 'a.b-c_d/e@f', 'Größe 1', 'page views', '#']) metrics.metric(slug);
        assert.equal((await metrics.metricSlugs()).length, 5);
      });
    });

    it('writes after close() are dropped and counted; reads reject', async () => {
      const store = target.createStore();
      const metrics = new Metrics({ store, clock: () => NOW, retention: FOREVER });
      metrics.metric('before', 1);
      const drops: string[] = [];
      metrics.on('drop', (info) => drops.push(info.reason));
      await metrics.close();
      await metrics.close(); // idempotent
      metrics.metric('after', 1);
      metrics.trackMetric('e', 'm');
      assert.deepEqual(drops, ['closed', 'closed']);
      assert.equal(metrics.stats().droppedWrites, 2);
      await assert.rejects(metrics.getMetric('before'), { name: 'CounterStoreError' });
      const check = new Metrics({ store: target.reopen(store), clock: () => NOW, retention: FOREVER });
      assert.equal((await check.getMetric('before')).year, 1, 'close() flushed');
      await check.clearAll();
      await check.close();
    });
  });
}
