// Counters from tracked events: a small simulated shop emits page views,
// searches and orders for two days of traffic; a CounterBackend turns them
// into time-bucketed metrics, revenue, unique visitors and per-user counts.
// Run: npx tsx examples/metrics.ts
//   with REDIS_URL=redis://127.0.0.1:6379 it uses that Redis (under its own key
//   prefix, deleted at the end); without it, the in-memory store.
import { CounterBackend, createTracker, MemoryCounterStore, Metrics, RedisCounterStore } from 'eventtrack';

const HOUR = 3_600_000;
const redisUrl = process.env['REDIS_URL'];
const prefix = `example-metrics:${process.pid}:`;
const store = redisUrl === undefined ? new MemoryCounterStore({ prefix }) : new RedisCounterStore({ url: redisUrl, prefix });
console.log(redisUrl === undefined ? 'Store: MemoryCounterStore (set REDIS_URL to use Redis)' : `Store: RedisCounterStore at ${redisUrl}, key prefix "${prefix}"`);

const metrics = new Metrics({ store });
metrics.on('error', (error) => console.error('metrics error:', error.message));
const counters = new CounterBackend({
  metrics,
  rules: [
    // Page views per page and in total; unique visitors; views per user by day.
    { match: 'page.view', unique: 'context.user_id', entity: 'context.user_id' },
    { match: 'page.view', slug: 'page.{data.page}', category: 'pages' },
    // Orders: counted, and their amount added up as revenue, in total and per user.
    { match: 'order.paid', category: 'shop' },
    { match: 'order.paid', slug: 'revenue', category: 'shop', value: 'data.amount', entity: 'context.user_id' },
  ],
  // Events no rule matched (search, cart.add) are counted under their own name (the default rule).
});
const tracker = createTracker({ backends: { counters } });
tracker.on('error', (error) => console.error('tracker error:', error.message));

// ── the simulated app: 40 users, two days of traffic, busier in the evening
const users = Array.from({ length: 40 }, (_, i) => `user-${String(i + 1).padStart(2, '0')}`);
const pages = ['home', 'catalog', 'product', 'about'];
let seed = 42;
const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

const now = Date.now();
const start = Math.floor(now / HOUR) * HOUR - 47 * HOUR;
for (let hour = start; hour <= now; hour += HOUR) {
  const busy = 5 + Math.round(15 * Math.sin(((new Date(hour).getUTCHours() - 6) / 24) * Math.PI) ** 2);
  for (let visit = 0; visit < busy; visit++) {
    const user = pick(users);
    const at = Math.min(now, hour + Math.floor(rand() * HOUR));
    tracker.context('request', { user_id: user }, () => {
      tracker.emit('page.view', { page: pick(pages) }, { timestamp: at });
      if (rand() < 0.4) tracker.emit('search', { q: 'socks' }, { timestamp: at + 1000 });
      if (rand() < 0.2) tracker.emit('cart.add', { sku: 'SKU-1' }, { timestamp: at + 2000 });
      if (rand() < 0.1) tracker.emit('order.paid', { amount: 10 + Math.floor(rand() * 90) }, { timestamp: at + 3000 });
    });
  }
}
await tracker.flush(); // everything emitted is now in the store

// ── reports
function table(rows: (string | number)[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]!) : String(cell).padStart(widths[c]!))).join('  '));
}

console.log('\nLast 12 hours (UTC):');
table(await metrics.getMetricHistoryAsColumns(['page.view', 'search', 'cart.add', 'order.paid', 'revenue'], { granularity: 'hour', limit: 12 }));

console.log('\nPer day:');
table(await metrics.getMetricHistoryAsColumns(['page.view', 'page.home', 'page.product', 'order.paid', 'revenue'], { granularity: 'day', limit: 3 }));

const visitors = await Promise.all([1, 0].map((daysAgo) => metrics.getUnique('page.view', { granularity: 'day', since: now - daysAgo * 24 * HOUR, until: now - daysAgo * 24 * HOUR })));
const estimate = redisUrl === undefined ? 'exact' : 'HyperLogLog estimate';
console.log(`\nUnique visitors: yesterday ${visitors[0]}, today ${visitors[1]} (of ${users.length} users; ${estimate})`);
console.log('Categories:', JSON.stringify(await metrics.metricSlugsByCategory()));

console.log('\nPer user, last two days (top 8 by page views):');
const perUser = await metrics.getEntityMetrics(
  users.flatMap((user) => [[user, 'page.view'], [user, 'revenue']] as const),
  { groupBy: 'day', limit: 2, since: now - 24 * HOUR },
);
const rows = users.map((user, i) => ({ user, views: perUser[2 * i]!.values, revenue: perUser[2 * i + 1]!.total }));
rows.sort((a, b) => b.views[0]! + b.views[1]! - (a.views[0]! + a.views[1]!) || a.user.localeCompare(b.user));
const days = perUser[0]!.buckets.map((bucket) => bucket.label);
table([['User', ...days.map((d) => `views ${d}`), 'revenue'], ...rows.slice(0, 8).map((r) => [r.user, ...r.views, r.revenue])]);

const { writes, skipped } = counters.stats();
console.log(`\nCounterBackend: ${writes} writes, ${skipped} skipped; store flushes: ${metrics.stats().flushes}`);

// ── clean up: our keys only, then close everything
const deleted = await metrics.clearAll();
console.log(`Deleted ${deleted} keys under "${prefix}".`);
await tracker.shutdown(); // closes the backend, which flushes the Metrics it was given and leaves it open
await metrics.close(); // closes the store (and its Redis connection)
