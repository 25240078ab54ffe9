import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CounterBackend } from '../../../../src/backends/counters/CounterBackend.js';
import type { CounterSkip } from '../../../../src/backends/counters/CounterSkip.js';
import type { JsonObject, TrackedEvent } from '../../../../src/event/TrackedEvent.js';
import { MemoryCounterStore } from '../../../../src/metrics/memory/MemoryCounterStore.js';
import { Metrics } from '../../../../src/metrics/Metrics.js';

// A fixed "now" for Metrics and its store, so retention never drops the test's second/minute buckets.
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const HOUR = 3_600_000;

function newMetrics(): Metrics {
  return new Metrics({ store: new MemoryCounterStore({ clock: () => NOW }), clock: () => NOW });
}

let ids = 0;
function ev(name: string, options: { at?: number; data?: JsonObject; context?: JsonObject; id?: string } = {}): TrackedEvent {
  ids += 1;
  return { id: options.id ?? `id-${ids}`, name, timestamp: new Date(options.at ?? NOW - HOUR), context: options.context ?? {}, data: options.data ?? {} };
}

async function hourly(metrics: Metrics, slug: string): Promise<number[]> {
  const history = await metrics.getMetricHistory(slug, { granularity: 'hour', since: NOW - 3 * HOUR, until: NOW });
  return history.series[0]!.values;
}

describe('CounterBackend: the default rule', () => {
  test('counts each event once under its name, in the bucket of its own timestamp', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({ metrics });
    backend.send([ev('page.view', { at: NOW - 3 * HOUR }), ev('page.view', { at: NOW - HOUR }), ev('page.view', { at: NOW - HOUR + 59_000 })]);
    backend.send([ev('signup'), ev('page.view', { at: NOW })]);
    await backend.flush();
    assert.deepEqual(await hourly(metrics, 'page.view'), [1, 0, 2, 1]);
    assert.deepEqual(await hourly(metrics, 'signup'), [0, 0, 1, 0]);
    assert.deepEqual(await metrics.metricSlugs(), ['page.view', 'signup']);
    const [second] = (await metrics.getMetricHistory('page.view', { granularity: 'second', since: NOW - HOUR, until: NOW - HOUR })).series;
    assert.deepEqual(second!.values, [1]);
    assert.deepEqual(backend.stats(), { received: 5, duplicates: 0, unmatched: 0, writes: 5, skipped: 0, skipReasons: {} });
    await backend.close();
    await metrics.close();
  });

  test('maps event names that are not valid slugs with slugify', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({ metrics });
    const long = `${'n'.repeat(240)}.end`;
    backend.send([ev('cart{v2}.add*'), ev(long)]);
    const slugs = await metrics.metricSlugs();
    assert.equal(slugs.length, 2);
    assert.ok(slugs.includes('cart_v2_.add_'));
    assert.ok(slugs.some((s) => s.length === 200 && s.startsWith('n'.repeat(191))));
    assert.equal(backend.stats().skipped, 0);
    await metrics.close();
  });

  test('defaultRule: false ignores unmatched events; a custom default rule applies to them only', async () => {
    const metrics = newMetrics();
    const none = new CounterBackend({ metrics, rules: [{ match: 'a' }], defaultRule: false });
    none.send([ev('a'), ev('b'), ev('c')]);
    assert.deepEqual(await metrics.metricSlugs(), ['a']);
    assert.equal(none.stats().unmatched, 2);

    const prefixed = new CounterBackend({ metrics, rules: [{ match: 'a', slug: 'ruled' }], defaultRule: { slug: 'other.{name}', category: 'others' } });
    prefixed.send([ev('a'), ev('b')]);
    assert.deepEqual(await metrics.metricSlugs(), ['a', 'other.b', 'ruled']);
    assert.deepEqual(await metrics.metricSlugsByCategory(), { Uncategorized: ['a', 'ruled'], others: ['other.b'] });
    await metrics.close();
  });
});

describe('CounterBackend: rules', () => {
  test('every matching rule applies (exact names, globs, RegExps, exclude); slugs and categories by template', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({
      metrics,
      rules: [
        { match: 'cart.*', exclude: 'cart.debug', slug: 'cart', category: 'shop' },
        { match: ['cart.add', /^order\./], slug: '{name}', category: 'funnel' },
        { match: 'http.**', slug: 'http.{data.status}' },
      ],
    });
    backend.send([ev('cart.add'), ev('cart.remove'), ev('cart.debug'), ev('order.paid'), ev('http.get', { data: { status: 200 } }), ev('http.api.post', { data: { status: 500 } })]);
    await backend.flush();
    assert.deepEqual(await hourly(metrics, 'cart'), [0, 0, 2, 0]);
    assert.deepEqual(await hourly(metrics, 'cart.add'), [0, 0, 1, 0]);
    assert.deepEqual(await hourly(metrics, 'cart.debug'), [0, 0, 1, 0], 'excluded from the only rule that matched, so the default rule counts it');
    assert.deepEqual(await metrics.metricSlugsByCategory(), { Uncategorized: ['cart.debug', 'http.200', 'http.500'], funnel: ['cart.add', 'order.paid'], shop: ['cart'] });
    assert.deepEqual(await metrics.metricSlugs(), ['cart', 'cart.add', 'cart.debug', 'http.200', 'http.500', 'order.paid']);
    await metrics.close();
  });

  test('value adds a number from the event; entity counts per user by day; both skip when the value is missing', async () => {
    const metrics = newMetrics();
    const skips: CounterSkip[] = [];
    const backend = new CounterBackend({
      metrics,
      rules: [{ match: 'order.paid', slug: 'revenue', value: 'data.amount', entity: 'context.user_id' }],
      onSkip: (skip) => skips.push(skip),
    });
    const day = Date.UTC(2026, 2, 9, 10);
    backend.send([
      ev('order.paid', { at: day, data: { amount: 30 }, context: { user_id: 7 } }),
      ev('order.paid', { at: day + 1000, data: { amount: 12 }, context: { user_id: 7 } }),
      ev('order.paid', { at: day + 2000, data: { amount: 5 }, context: { user_id: 'u-9' } }),
      ev('order.paid', { at: day + 3000, data: { amount: 'lots' }, context: { user_id: 7 } }),
      ev('order.paid', { at: day + 4000, data: {}, context: { user_id: 7 } }),
    ]);
    const [byDay] = (await metrics.getMetricHistory('revenue', { granularity: 'day', since: day, until: day })).series;
    assert.equal(byDay!.total, 47);
    assert.deepEqual((await metrics.getMetricByDay(7, 'revenue', { since: day, limit: 1 })).values, [42]);
    assert.deepEqual((await metrics.getMetricByDay('u-9', 'revenue', { since: day, limit: 1 })).values, [5]);
    assert.deepEqual(
      skips.map((s) => [s.rule, s.output, s.reason, s.path]),
      [
        ['rules[0]', 'value', 'wrong-type', 'data.amount'],
        ['rules[0]', 'value', 'missing', 'data.amount'],
      ],
    );
    assert.equal(skips[0]!.event.data['amount'], 'lots');
    assert.deepEqual(backend.stats().skipReasons, { 'wrong-type': 1, missing: 1 });
    assert.equal(backend.stats().writes, 6);
    await metrics.close();
  });

  test('unique counts distinct members per bucket; entity accepts an array of ids', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({
      metrics,
      rules: [
        { match: 'page.view', unique: 'context.user_id' },
        { match: 'doc.share', count: false, entity: 'data.recipients' },
      ],
    });
    const day = Date.UTC(2026, 2, 9, 10);
    const users = [1, 2, 2, 3, 1, 'guest', 'guest'];
    backend.send(users.map((user_id, i) => ev('page.view', { at: day + i * 60_000, context: { user_id } })));
    backend.send([ev('doc.share', { at: day, data: { recipients: ['a', 'b', 7] } }), ev('doc.share', { at: day, data: { recipients: ['a'] } })]);
    assert.equal(await metrics.getUnique('page.view', { granularity: 'day', since: day, until: day }), 4);
    assert.equal((await metrics.getMetricHistory('page.view', { granularity: 'day', since: day, until: day })).series[0]!.total, 7);
    assert.deepEqual(await Promise.all(['a', 'b', 7].map(async (id) => (await metrics.getMetricByDay(id, 'doc.share', { since: day, limit: 1 })).total)), [2, 1, 1]);
    assert.equal((await metrics.getMetricHistory('doc.share', { granularity: 'day', since: day, until: day })).series[0]!.total, 0, 'count: false');
    await metrics.close();
  });

  test('gauge sets the last delivered value', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({ metrics, rules: [{ match: 'queue.depth', slug: 'queue', count: false, gauge: 'data.depth' }] });
    backend.send([ev('queue.depth', { data: { depth: 5 } }), ev('queue.depth', { data: { depth: 3 } }), ev('queue.depth', { data: { depth: 'x' } })]);
    assert.equal(await metrics.getGauge('queue'), 3);
    assert.deepEqual(await metrics.gaugeSlugs(), ['queue']);
    assert.deepEqual(backend.stats().skipReasons, { 'wrong-type': 1 });
    await metrics.close();
  });

  test("timing: 'data.duration_ms' records request durations as a timing of the slug; bad durations are skipped", async () => {
    const metrics = newMetrics();
    const skips: CounterSkip[] = [];
    const backend = new CounterBackend({
      metrics,
      rules: [{ match: 'request', slug: 'http.{data.route}', category: 'http', timing: 'data.duration_ms' }],
      onSkip: (skip) => skips.push(skip),
    });
    backend.send([
      ev('request', { data: { route: 'home', duration_ms: 12 } }),
      ev('request', { data: { route: 'home', duration_ms: 30 } }),
      ev('request', { data: { route: 'home', duration_ms: 'slow' } }),
      ev('request', { data: { route: 'home', duration_ms: -1 } }),
      ev('request', { data: { route: 'home' } }),
    ]);
    const summary = await metrics.getTimingSummary('http.home', { since: NOW - 2 * HOUR, until: NOW, percentiles: [100] });
    assert.deepEqual([summary.count, summary.sum, summary.min, summary.max], [2, 42, 12, 30]);
    assert.deepEqual(await metrics.timingSlugs(), ['http.home']);
    assert.deepEqual(await metrics.categorySlugs('http'), ['http.home']);
    assert.deepEqual(skips.map((s) => `${s.output}:${s.reason}`), ['timing:wrong-type', 'timing:invalid', 'timing:missing']);
    assert.deepEqual((await metrics.getMetricHistory('http.home', { granularity: 'hour', limit: 2 })).series[0]!.values, [2 + 3, 0], 'the events are counted too');
    await metrics.close();
  });

  test('what cannot be recorded is skipped and counted, never thrown; the other writes of the event still happen', async () => {
    const metrics = newMetrics();
    const skips: CounterSkip[] = [];
    const backend = new CounterBackend({
      metrics,
      rules: [{ match: 'x', slug: 's.{data.kind}', category: '{context.team}', entity: 'context.user_id', unique: 'context.session' }],
      onSkip: (skip) => {
        skips.push(skip);
        throw new Error('a throwing onSkip is ignored');
      },
    });
    const events = [
      ev('x', { data: {}, context: { user_id: 1 } }), // no slug: the whole rule is skipped
      ev('x', { data: { kind: 'a' }, context: { user_id: 'bad{id}', session: 'x'.repeat(2000), team: { t: 1 } } }),
      ev('x', { data: { kind: 'b' }, context: { user_id: { id: 1 }, session: 's1' } }),
      { ...ev('x', { data: { kind: 'c' } }), timestamp: new Date(Number.NaN) },
      { ...ev('x', { data: { kind: 'c' } }), timestamp: new Date(Date.UTC(10000, 0, 1)) },
    ];
    assert.doesNotThrow(() => backend.send(events));
    assert.deepEqual(
      skips.map((s) => [s.output, s.reason, s.path ?? '']),
      [
        ['slug', 'missing', 'data.kind'],
        ['category', 'wrong-type', 'context.team'],
        ['entity', 'invalid', 'context.user_id'],
        ['unique', 'invalid', 'context.session'],
        ['category', 'missing', 'context.team'],
        ['entity', 'wrong-type', 'context.user_id'],
        ['event', 'invalid', 'timestamp'],
        ['event', 'invalid', 'timestamp'],
      ],
    );
    assert.ok(skips[2]!.error instanceof Error);
    assert.deepEqual(await metrics.metricSlugs(), ['s.a', 's.b'], 'counted without the category that could not be made');
    assert.deepEqual(await metrics.categories(), []);
    assert.equal(await metrics.getUnique('s.b', { granularity: 'day', since: NOW - HOUR, until: NOW - HOUR }), 1);
    assert.deepEqual(backend.stats(), { received: 5, duplicates: 0, unmatched: 0, writes: 3, skipped: 8, skipReasons: { missing: 2, 'wrong-type': 2, invalid: 4 } });
    await metrics.close();
  });
});

describe('CounterBackend: exactly once', () => {
  test('an event delivered again (same id) is not counted again, within dedupeWindow', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({ metrics, dedupeWindow: 3 });
    const batch = [ev('a'), ev('a'), ev('a')];
    backend.send(batch);
    backend.send(batch);
    assert.deepEqual(await hourly(metrics, 'a'), [0, 0, 3, 0]);
    assert.equal(backend.stats().duplicates, 3);
    backend.send([ev('a')]); // pushes batch[0] out of the window
    backend.send([batch[0]!]);
    assert.deepEqual(await hourly(metrics, 'a'), [0, 0, 5, 0], 'an id older than the window counts again (documented)');
    await metrics.close();
  });

  test('dedupeWindow: 0 counts every delivery', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({ metrics, dedupeWindow: 0 });
    const batch = [ev('a'), ev('a')];
    backend.send(batch);
    backend.send(batch);
    assert.deepEqual(await hourly(metrics, 'a'), [0, 0, 4, 0]);
    await metrics.close();
  });
});

describe('CounterBackend: lifecycle', () => {
  test('a Metrics passed in is flushed and left open by close(); later events are skipped as closed', async () => {
    const metrics = newMetrics();
    const backend = new CounterBackend({ metrics });
    backend.send([ev('a')]);
    await backend.close();
    await backend.close();
    backend.send([ev('a')]);
    assert.deepEqual(await hourly(metrics, 'a'), [0, 0, 1, 0], 'still readable: not closed');
    assert.deepEqual(backend.stats().skipReasons, { closed: 1 });
    await metrics.close();
  });

  test('a Metrics the backend created (from options, or by default) is closed by close()', async () => {
    const store = new MemoryCounterStore({ clock: () => NOW });
    const backend = new CounterBackend({ metrics: { store, clock: () => NOW } });
    backend.send([ev('a'), ev('b')]);
    await backend.close();
    await assert.rejects(backend.metrics.metricSlugs(), /closed/);
    assert.equal(store.size > 0, true, 'flushed before closing');
    const fallback = new CounterBackend();
    assert.ok(fallback.metrics instanceof Metrics);
    await fallback.close();
  });

  test('flush() rejects while the store fails; Metrics keeps and retries the writes, which land once', async () => {
    const inner = new MemoryCounterStore({ clock: () => NOW });
    let failures = 2;
    const store = Object.assign(Object.create(inner) as MemoryCounterStore, {
      write: (batch: Parameters<MemoryCounterStore['write']>[0]) => (failures-- > 0 ? Promise.reject(new Error('store down')) : inner.write(batch)),
    });
    const metrics = new Metrics({ store, clock: () => NOW, retry: { initialDelayMs: 5, maxDelayMs: 10 } });
    metrics.on('error', () => undefined);
    const backend = new CounterBackend({ metrics });
    backend.send([ev('a'), ev('a')]);
    await assert.rejects(backend.flush(), /store down/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await backend.flush();
    assert.deepEqual(await hourly(metrics, 'a'), [0, 0, 2, 0]);
    await metrics.close();
  });
});
