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
