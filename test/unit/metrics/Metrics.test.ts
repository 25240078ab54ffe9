// Metrics behaviour beyond the store conformance suite, on the memory store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { MemoryCounterStore } from '../../../src/metrics/memory/MemoryCounterStore.js';
import { Metrics } from '../../../src/metrics/Metrics.js';

const NOW = Date.parse('2026-03-18T10:20:30.400Z');

describe('Metrics', () => {
  it('rejects bad options with a ConfigurationError naming them', () => {
    assert.throws(() => new Metrics({ timeZone: 'Nowhere/Land' }), { name: 'ConfigurationError', option: 'timeZone' });
    assert.throws(() => new Metrics({ store: {} as never }), { option: 'store' });
    assert.throws(() => new Metrics({ store: new MemoryCounterStore({ dedupeWindowMs: 1000 }) }), { option: 'retry' });
  });

  it('exposes its granularities and canonical time zone', async () => {
    const metrics = new Metrics({ granularities: ['year', 'day'], timeZone: 'Europe/Berlin' });
    assert.deepEqual(metrics.granularities, ['day', 'year']);
    assert.equal(metrics.timeZone, 'Europe/Berlin');
    await metrics.close();
  });

  it('coalesces same-second increments into one pending write per slug', async () => {
    const metrics = new Metrics({ clock: () => NOW });
    for (let i = 0; i < 10_000; i++) metrics.metric('hot');
    assert.equal(metrics.stats().bufferedWrites, 2, 'one pending count + the slug registration');
    await metrics.flush();
    assert.equal(metrics.stats().appliedWrites, 8, '7 buckets + 1 registration');
    assert.equal((await metrics.getMetric('hot')).second, 10_000);
    await metrics.close();
  });

  it('skips writes older than their retention, counted as expired; kept buckets expire in the store', async () => {
    let now = NOW;
    const clock = (): number => now;
    const metrics = new Metrics({ store: new MemoryCounterStore({ clock }), clock, retention: { second: 60, minute: 3600 } });
    metrics.metric('old', 1, { timestamp: NOW - 10 * 60_000 }); // second bucket long gone, minute kept
    metrics.metric('new', 1);
    await metrics.flush();
    assert.equal(metrics.stats().expiredWrites, 1);
    assert.equal((await metrics.getMetricHistory('old', { granularity: 'minute', limit: 11 })).series[0]!.total, 1);
    now = NOW + 2 * 60_000; // past the new second bucket's retention (its minute's end + 60 s)
    assert.equal((await metrics.getMetricHistory('new', { granularity: 'second', since: NOW - 1000, until: NOW + 1000 })).series[0]!.total, 0);
    assert.equal((await metrics.getMetricHistory('new', { granularity: 'minute', limit: 3 })).series[0]!.total, 1);
    await metrics.close();
  });

  it('the expire option shortens the life of the touched storage units', async () => {
    let now = NOW;
    const clock = (): number => now;
    const metrics = new Metrics({ store: new MemoryCounterStore({ clock }), clock });
    metrics.metric('short', 1, { expire: 30 });
    metrics.metric('long', 1);
    assert.equal((await metrics.getMetric('short')).year, 1);
    now += 31_000;
    assert.equal((await metrics.getMetric('short')).year, 0);
    assert.equal((await metrics.getMetric('long')).year, 1);
    await metrics.close();
  });

  it('weekStart sunday gives Sunday-first week buckets', async () => {
    const metrics = new Metrics({ weekStart: 'sunday', clock: () => NOW });
    metrics.metric('w', 1, { timestamp: Date.parse('2026-03-15T12:00:00Z') }); // Sunday
    metrics.metric('w', 2, { timestamp: Date.parse('2026-03-14T12:00:00Z') }); // Saturday
    const history = await metrics.getMetricHistory('w', { granularity: 'week', limit: 2 });
    assert.deepEqual(history.series[0]!.values, [2, 1]);
    assert.equal(history.buckets[1]!.start.toISOString(), '2026-03-15T00:00:00.000Z');
    await metrics.close();
  });

  it('a throwing event listener does not break flushing', async () => {
    const metrics = new Metrics({ clock: () => NOW });
    metrics.on('flush', () => {
      throw new Error('listener bug');
    });
    metrics.metric('x');
    await metrics.flush();
    assert.equal((await metrics.getMetric('x')).day, 1);
    await metrics.close();
  });

  it('a write in the last half hour of a half-hour zone\'s hour is kept with a short hour retention', async () => {
    const now = Date.parse('2026-03-18T00:20:00Z'); // 05:50 in Kolkata: the hour bucket runs 23:30–00:30 UTC
    const clock = (): number => now;
    const metrics = new Metrics({ store: new MemoryCounterStore({ clock }), clock, timeZone: 'Asia/Kolkata', retention: { hour: 600 } });
    metrics.metric('late-hour', 1);
    assert.equal((await metrics.getMetric('late-hour')).hour, 1);
    assert.equal(metrics.stats().expiredWrites, 0);
    await metrics.close();
  });

  it('background flushes respect the retry backoff of a failed batch', async () => {
    const inner = new MemoryCounterStore();
    let writes = 0;
    const store = Object.assign(Object.create(inner) as MemoryCounterStore, {
      write: async () => {
        writes += 1;
        throw new Error('down (injected)');
      },
    });
    const metrics = new Metrics({ store, flushIntervalMs: 10, retry: { maxAttempts: 3, initialDelayMs: 5000, maxDelayMs: 5000 } });
    metrics.on('error', () => undefined);
    metrics.metric('x');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(writes, 1, 'no retry before the backoff delay');
    assert.equal(metrics.stats().droppedWrites, 0);
    assert.equal(metrics.stats().pendingBatches, 1);
    await metrics.close();
  });

  it('deletes flush earlier writes first even with readYourWrites off, so deleted data does not come back', async () => {
    const metrics = new Metrics({ clock: () => NOW, readYourWrites: false });
    metrics.metric('gone', 1, { category: 'cat' });
    metrics.unique('gone', 'm');
    metrics.gauge('g', 5);
    metrics.metric('other', 1, { category: 'cat2' });
    await metrics.deleteMetric('gone');
    await metrics.deleteGauge('g');
    await metrics.deleteCategory('cat2');
    await metrics.flush();
    assert.equal((await metrics.getMetric('gone')).year, 0);
    assert.equal(await metrics.getUnique('gone'), 0);
    assert.deepEqual(await metrics.metricSlugs(), ['other']);
    assert.equal(await metrics.getGauge('g'), undefined);
    assert.deepEqual(await metrics.gaugeSlugs(), []);
    assert.deepEqual(await metrics.categories(), ['cat'], 'deleteMetric keeps the category, deleteCategory removed cat2');
    assert.deepEqual(await metrics.categorySlugs('cat'), []);
    await metrics.close();
  });

  it('syncAggregateMetric sees a buffered setMetricByDay even with readYourWrites off; a reversed range is a ValidationError', async () => {
    const metrics = new Metrics({ clock: () => NOW, readYourWrites: false });
    metrics.trackMetric('u1', 'posts', { n: 5 });
    await metrics.flush();
    metrics.setMetricByDay('u1', 'posts', NOW, 2);
    await metrics.syncAggregateMetric('u1', 'posts');
    await metrics.flush();
    assert.equal((await metrics.getMetricByWeek('u1', 'posts', { since: NOW, limit: 1 })).total, 2);
    assert.equal((await metrics.getMetricByMonth('u1', 'posts', { since: NOW, limit: 1 })).total, 2);
    await assert.rejects(metrics.syncAggregateMetric('u1', 'posts', { since: NOW, until: NOW - 86_400_000 }), { name: 'ValidationError', reason: 'invalid_range' });
    await metrics.close();
  });

  it('trackMetric with one bad entity or metric in a list throws and writes nothing', async () => {
    const metrics = new Metrics({ clock: () => NOW });
    assert.throws(() => metrics.trackMetric(['good', ''], 'posts'), { name: 'ValidationError' });
    assert.throws(() => metrics.trackMetric('good', ['posts', 'bad*']), { name: 'ValidationError' });
    assert.equal(metrics.stats().bufferedWrites, 0);
    assert.equal((await metrics.getMetricByDay('good', 'posts', { since: NOW, limit: 1 })).total, 0);
    await metrics.close();
  });

  it('clearAll() also discards a batch that was in flight and failed, so it does not land after the clear', async () => {
    const inner = new MemoryCounterStore();
    const script = ['slow-fail', 'fail'];
    const store = Object.assign(Object.create(inner) as MemoryCounterStore, {
      write: async (batch: Parameters<MemoryCounterStore['write']>[0]) => {
        const mode = script.shift();
        if (mode === 'slow-fail') await new Promise((resolve) => setTimeout(resolve, 20));
        if (mode !== undefined) throw new Error(`${mode} (injected)`);
        return inner.write(batch);
      },
    });
    const metrics = new Metrics({ store, clock: () => NOW, retry: { initialDelayMs: 5 } });
    metrics.on('error', () => undefined);
    metrics.metric('a', 1);
    const flushing = metrics.flush().catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve)); // the write is in flight when clearAll starts
    await metrics.clearAll();
    await flushing;
    await new Promise((resolve) => setTimeout(resolve, 50)); // past the retry delay
    assert.equal((await metrics.getMetric('a')).year, 0);
    assert.deepEqual(await metrics.metricSlugs(), []);
    await metrics.close();
  });

  it('does not keep the process alive (unref timers) and writes nothing to the console', () => {
    const script = `
      import { Metrics } from './src/metrics/Metrics.js';
      const metrics = new Metrics({ flushIntervalMs: 50 });
      metrics.metric('x'); metrics.unique('u', 'm'); metrics.gauge('g', 1);
      setTimeout(() => metrics.metric('y'), 120);
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, '');
    assert.ok(Date.now() - started < 15_000);
  });
});
