// A random event workload for CounterBackend end-to-end tests (memory, Redis,
// Redis Cluster), the rules it is counted with, and an independent computation
// of what every counter must hold afterwards: bucket labels come from
// test/unit/metrics/reference.ts (Intl-based, not src/metrics/Calendar.ts),
// slugs from a hand-written table (not slugify), sums from plain loops.
import assert from 'node:assert/strict';
import type { CounterRule } from '../../../../src/backends/counters/CounterRule.js';
import type { Granularity } from '../../../../src/time/granularity.js';
import type { Metrics } from '../../../../src/metrics/Metrics.js';
import type { Tracker } from '../../../../src/tracker/Tracker.js';
import { random, referenceLabels } from '../../metrics/reference.js';

export const GRANULARITIES: readonly Granularity[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'year'];
const COARSE: readonly Granularity[] = ['hour', 'day', 'week', 'month', 'year'];

/** Event name → the slug it must be counted under (by the default `{name}` slug). */
export const SLUG_OF: Readonly<Record<string, string>> = {
  'page.view': 'page.view',
  'cart.add': 'cart.add',
  'order.paid': 'order.paid',
  search: 'search',
  'promo{2024}*': 'promo_2024__',
};
const NAMES = Object.keys(SLUG_OF);
const USERS: readonly (string | number)[] = [...Array.from({ length: 20 }, (_, i) => 1000 + i), 'guest-a', 'guest-b', 'u:7', 'ünï', 'x y'];

/** The rules every end-to-end test counts with. */
export const WORKLOAD_RULES: readonly CounterRule[] = [
  { match: 'order.paid', slug: 'revenue', category: 'shop', value: 'data.amount', entity: 'context.user_id' },
  { match: '**', entity: 'context.user_id', unique: 'context.user_id' },
];

/** Retention that keeps every bucket (the workload's timestamps are years old). */
export const KEEP_FOREVER = { second: Infinity, minute: Infinity, hour: Infinity, day: Infinity, week: Infinity } as const;

export interface WorkloadEvent {
  name: string;
  at: number;
  user: string | number;
  amount: number | undefined;
}

export interface Workload {
  events: WorkloadEvent[];
  /** The narrow window (every granularity is checked bucket by bucket inside it). */
  narrow: { since: number; until: number };
  /** The wide window (hour and coarser are checked over it). */
  wide: { since: number; until: number };
}

/**
 * `count` events: 70 % with timestamps in a 26-hour window across the
 * 2023→2024 new year (day, ISO week 2023-W52→2024-W01, month and year all
 * change at once), the rest spread over two years around it.
 */
export function makeWorkload(seed: number, count: number): Workload {
  const rand = random(seed);
  const narrow = { since: Date.UTC(2023, 11, 31, 10), until: Date.UTC(2024, 0, 1, 12) - 1 };
  const wide = { since: Date.UTC(2023, 0, 1), until: Date.UTC(2024, 11, 31, 23, 59, 59) };
  const events: WorkloadEvent[] = [];
  for (let i = 0; i < count; i++) {
    const window = rand() < 0.7 ? narrow : wide;
    const at = window.since + Math.floor(rand() * (window.until - window.since + 1));
    const name = NAMES[Math.floor(rand() * NAMES.length)]!;
    const user = USERS[Math.floor(rand() * USERS.length)]!;
    // 1 in 20 orders has no usable amount: its revenue and per-user revenue are skipped (counted in stats).
    const amount = name !== 'order.paid' ? undefined : rand() < 0.05 ? undefined : 1 + Math.floor(rand() * 100);
    events.push({ name, at, user, amount });
  }
  return { events, narrow, wide };
}

/** Emits the workload through `tracker`, each event in a `request` context carrying its user. */
export function emitWorkload(tracker: Tracker, workload: Workload): void {
  for (const e of workload.events) {
    const data = e.name === 'order.paid' ? { amount: e.amount === undefined ? 'n/a' : e.amount } : { i: 1 };
    tracker.context('request', { user_id: e.user }, () => tracker.emit(e.name, data, { timestamp: e.at }));
  }
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** What the counters must hold: per slug and granularity, label → value; per user; unique users per day. */
export interface Expected {
  counts: Map<string, Map<Granularity, Map<string, number>>>;
  totals: Map<string, number>;
  /** `${user}|${metric}` → month label → value. */
  perUserMonth: Map<string, Map<string, number>>;
  /** slug → day label → distinct users. */
  uniquePerDay: Map<string, Map<string, Set<string>>>;
  /** Orders without a usable amount. */
  skippedAmounts: number;
}

export function expectedOf(workload: Workload, timeZone: string): Expected {
  const counts = new Map<string, Map<Granularity, Map<string, number>>>();
  const totals = new Map<string, number>();
  const perUserMonth = new Map<string, Map<string, number>>();
  const uniquePerDay = new Map<string, Map<string, Set<string>>>();
  let skippedAmounts = 0;
  const count = (slug: string, labels: Record<Granularity, string>, n: number): void => {
    let bySlug = counts.get(slug);
    if (bySlug === undefined) counts.set(slug, (bySlug = new Map(GRANULARITIES.map((g) => [g, new Map()]))));
    for (const g of GRANULARITIES) add(bySlug.get(g)!, labels[g], n);
    add(totals, slug, n);
  };
  const perUser = (user: string | number, metric: string, month: string, n: number): void => {
    const key = `${user}|${metric}`;
    if (!perUserMonth.has(key)) perUserMonth.set(key, new Map());
    add(perUserMonth.get(key)!, month, n);
  };
  for (const e of workload.events) {
    const labels = referenceLabels(e.at, timeZone);
    const slug = SLUG_OF[e.name]!;
    count(slug, labels, 1);
    perUser(e.user, slug, labels.month, 1);
    let days = uniquePerDay.get(slug);
    if (days === undefined) uniquePerDay.set(slug, (days = new Map()));
    if (!days.has(labels.day)) days.set(labels.day, new Set());
    days.get(labels.day)!.add(String(e.user));
    if (e.name === 'order.paid') {
      if (e.amount === undefined) skippedAmounts += 1;
      else {
        count('revenue', labels, e.amount);
        perUser(e.user, 'revenue', labels.month, e.amount);
      }
    }
  }
  return { counts, totals, perUserMonth, uniquePerDay, skippedAmounts };
}

/** What `slug` must add up to over events in `range` (computed from the events, not from labels). */
function sumIn(workload: Workload, slug: string, range: { since: number; until: number }): number {
  let sum = 0;
  for (const e of workload.events) {
    if (e.at < range.since || e.at > range.until) continue;
    if (slug === 'revenue') sum += e.name === 'order.paid' && e.amount !== undefined ? e.amount : 0;
    else if (SLUG_OF[e.name] === slug) sum += 1;
  }
  return sum;
}

/**
 * Reads everything back from `metrics` and compares it with `expected`:
 * every bucket of every slug at all seven granularities over the narrow
 * window, hour and coarser over the wide one, per-user months, unique users
 * per day (exact when `uniqueTolerance` is 0; HyperLogLog otherwise).
 */
export async function checkCounters(metrics: Metrics, workload: Workload, expected: Expected, uniqueTolerance: number): Promise<void> {
  const slugs = [...expected.counts.keys()].sort();
  assert.deepEqual(await metrics.metricSlugs(), slugs);
  assert.deepEqual(await metrics.metricSlugsByCategory(), { Uncategorized: slugs.filter((s) => s !== 'revenue'), shop: ['revenue'] });
  for (const [granularities, range] of [
    [GRANULARITIES, workload.narrow],
    [COARSE, workload.wide],
  ] as const) {
    for (const granularity of granularities) {
      const history = await metrics.getMetricHistory(slugs, { granularity, since: range.since, until: range.until });
      history.series.forEach((series) => {
        const want = expected.counts.get(series.slug)!.get(granularity)!;
        const got = new Map<string, number>();
        history.buckets.forEach((bucket, i) => {
          if (series.values[i] !== 0) got.set(bucket.label, series.values[i]!);
        });
        for (const [label, value] of got) assert.equal(value, want.get(label), `${series.slug} ${granularity} ${label}`);
        const labels = new Set(history.buckets.map((b) => b.label));
        for (const [label, value] of want) if (labels.has(label)) assert.equal(got.get(label), value, `${series.slug} ${granularity} ${label} missing`);
        const span = { since: history.buckets[0]!.start.getTime(), until: history.buckets.at(-1)!.end.getTime() - 1 };
        assert.equal(series.total, sumIn(workload, series.slug, span), `${series.slug} ${granularity} total`);
      });
    }
  }
  for (const [key, months] of expected.perUserMonth) {
    const [user, metric] = key.split('|') as [string, string];
    const [series] = await metrics.getEntityMetrics([[user, metric]], { groupBy: 'month', since: workload.wide.since, limit: 24 });
    const got = new Map(series!.buckets.map((b, i) => [b.label, series!.values[i]!] as const).filter(([, v]) => v !== 0));
    assert.deepEqual(got, months, `per-user months of ${key}`);
  }
  for (const [slug, days] of expected.uniquePerDay) {
    for (const day of [workload.narrow.since, workload.narrow.until]) {
      const label = referenceLabels(day, metrics.timeZone).day;
      const want = days.get(label)?.size ?? 0;
      const got = await metrics.getUnique(slug, { granularity: 'day', since: day, until: day });
      assert.ok(Math.abs(got - want) <= uniqueTolerance * want, `unique ${slug} on ${label}: got ${got}, want ${want}`);
    }
  }
}
