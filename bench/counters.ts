// Events/s from `tracker.emit` to exact totals in Redis at all seven
// granularities (second … year), against the npm `redis-metrics` package (the
// JS peer: one MULTI of EVALs per increment; no week granularity, so it counts
// total, year, month, day, hour, minute, second) and against one pipelined
// MULTI per event (the django-redis-metrics pattern: INCRBY on every
// granularity key plus SADD to the slug registry, one round trip per event;
// events are issued concurrently, as concurrent requests would), on the same
// Redis in the same run.
//
//   npx tsx bench/counters.ts        (starts a redis-server via test/support/servers.ts)
//   REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/counters.ts
//
// Every case times from its first event until the store holds every count,
// then (untimed) reads the totals back at each granularity and fails unless
// they are exact. Events rotate over four names; event counts differ per case
// (the slow peers would take minutes at eventtrack's count), rates do not.
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { CounterBackend, createTracker, type Granularity, Metrics, RedisCounterStore } from '../src/index.js';
import { startRedis } from '../test/support/servers.js';
import { runBench, serverSetup } from './harness.js';

const NAMES = ['page.view', 'api.call', 'search', 'signup'];
const CHUNK = 1_000; // events between event-loop turns, as a busy server would emit them
const GRANULARITIES: readonly Granularity[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'year'];
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function redisUrl(): URL {
  const value = process.env['REDIS_URL'];
  if (value === undefined) throw new Error('REDIS_URL is not set');
  return new URL(value);
}

function check(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: counted ${got}, expected ${want}`);
}

async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

async function eventtrack(count: number): Promise<{ ops: number; ms: number }> {
  const prefix = `bench-ctr-${process.pid}:`;
  const metrics = new Metrics({ store: new RedisCounterStore({ url: redisUrl().href, prefix }) });
  const tracker = createTracker({ backends: { counters: new CounterBackend({ metrics }) } });
  const run = async (n: number, tag: string): Promise<{ ms: number; since: number; until: number }> => {
    const since = Date.now();
    const started = performance.now();
    await tracker.context('request', { user_id: 10938, session: 'c7f2a1' }, async () => {
      for (let done = 0; done < n; done += CHUNK) {
        for (let i = done; i < done + CHUNK; i++) tracker.emit(`${tag}${NAMES[i & 3]}`, { path: '/courses/42', status: 200 });
        await yieldTurn();
      }
    });
    const report = await tracker.flush(); // drains the queue, then CounterBackend.flush → Metrics.flush: every count is in Redis
    const ms = performance.now() - started;
    if (!report.complete) throw new Error('flush incomplete');
    return { ms, since, until: Date.now() };
  };
  await run(count, 'warmup.');
  const { ms, since, until } = await run(count, '');
  for (const granularity of GRANULARITIES) {
    const history = await metrics.getMetricHistory(NAMES, { granularity, since, until });
    for (const series of history.series) check(`eventtrack ${series.slug} per ${granularity}`, series.total, count / 4);
  }
  await metrics.clearAll();
  await tracker.shutdown();
  await metrics.close();
  return { ops: count, ms };
}

interface RedisMetricsCounter {
  incr(): Promise<number>;
  countRange(granularity: string, start: Date, end: Date): Promise<Record<string, number>>;
}
interface RedisMetricsInstance {
  client: { quit(): void; on(event: string, listener: (error: Error) => void): void };
  counter(name: string, options: { timeGranularity: string; namespace: string }): RedisMetricsCounter;
}

async function redisMetrics(count: number): Promise<{ ops: number; ms: number }> {
  const RedisMetrics = createRequire(import.meta.url)('redis-metrics') as new (config: { host: string; port: number }) => RedisMetricsInstance;
  const url = redisUrl();
  const peer = new RedisMetrics({ host: url.hostname, port: Number(url.port) });
  peer.client.on('error', (error) => {
    throw error;
  });
  const namespace = `bench-rm-${process.pid}`;
  const counterSet = (tag: string): RedisMetricsCounter[] => NAMES.map((name) => peer.counter(`${tag}${name}`, { timeGranularity: 'second', namespace }));
  const run = async (n: number, counters: RedisMetricsCounter[]): Promise<number> => {
    const started = performance.now();
    const pending: Promise<number>[] = [];
    for (let done = 0; done < n; done += CHUNK) {
      for (let i = done; i < done + CHUNK; i++) pending.push(counters[i & 3]!.incr());
      await yieldTurn();
    }
    await Promise.all(pending);
    return performance.now() - started;
  };
  await run(Math.min(count, 5_000), counterSet('warmup.'));
  const counters = counterSet('');
  const since = new Date();
  const ms = await run(count, counters);
  const until = new Date();
  for (const granularity of ['second', 'minute', 'hour', 'day', 'month', 'year']) {
    for (const [i, counter] of counters.entries()) {
      const values = Object.values(await counter.countRange(granularity, new Date(since.getTime() - 1000), until));
      check(`redis-metrics ${NAMES[i]} per ${granularity}`, values.reduce((a, b) => a + b, 0), count / 4);
    }
  }
  peer.client.quit();
  const admin = new Redis(url.href);
  await deleteKeys(admin, `${namespace}:*`);
  await admin.quit();
  return { ops: count, ms };
}

/** django-redis-metrics' key for `slug` at `granularity`, from the event time. */
function djangoKey(prefix: string, slug: string, granularity: Granularity, date: Date): string {
  const iso = date.toISOString(); // 2026-11-22T07:01:05.123Z
  const ymd = iso.slice(0, 10);
  switch (granularity) {
    case 'second':
      return `${prefix}m:${slug}:s:${ymd}-${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}`;
    case 'minute':
      return `${prefix}m:${slug}:i:${ymd}-${iso.slice(11, 13)}-${iso.slice(14, 16)}`;
    case 'hour':
      return `${prefix}m:${slug}:h:${ymd}-${iso.slice(11, 13)}`;
    case 'day':
      return `${prefix}m:${slug}:${ymd}`;
    case 'week': {
      const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
      const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * 86_400_000);
      const week = 1 + Math.floor((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / (7 * 86_400_000));
      return `${prefix}m:${slug}:w:${thursday.getUTCFullYear()}-${week}`;
    }
    case 'month':
      return `${prefix}m:${slug}:m:${iso.slice(0, 7)}`;
    case 'year':
      return `${prefix}m:${slug}:y:${iso.slice(0, 4)}`;
  }
}

async function pipelinePerEvent(count: number): Promise<{ ops: number; ms: number }> {
  const client = new Redis(redisUrl().href);
  const prefix = `bench-pipe-${process.pid}:`;
  const run = async (n: number, tag: string): Promise<number> => {
    const started = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let done = 0; done < n; done += CHUNK) {
      for (let i = done; i < done + CHUNK; i++) {
        const slug = `${tag}${NAMES[i & 3]}`;
        const now = new Date();
        const multi = client.multi().sadd(`${prefix}metric-slugs`, slug);
        for (const granularity of GRANULARITIES) multi.incrby(djangoKey(prefix, slug, granularity, now), 1);
        pending.push(multi.exec());
      }
      await yieldTurn();
    }
    await Promise.all(pending);
    return performance.now() - started;
  };
  await run(Math.min(count, 5_000), 'warmup.');
  const ms = await run(count, '');
  for (const name of NAMES) {
    for (const [granularity, code] of [['second', 's'], ['minute', 'i'], ['hour', 'h'], ['week', 'w'], ['month', 'm'], ['year', 'y']] as const) {
      let sum = 0;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}m:${name}:${code}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) sum += (await client.mget(...keys)).reduce((a, v) => a + Number(v), 0);
      } while (cursor !== '0');
      check(`pipeline ${name} per ${granularity}`, sum, count / 4);
    }
  }
  await deleteKeys(client, `${prefix}*`);
  await client.quit();
  return { ops: count, ms };
}

await runBench({
  title: 'bench/counters: events/s from emit to exact totals in Redis at every granularity',
  file: import.meta.url,
  subject: 'eventtrack CounterBackend',
  peers: ['redis-metrics (npm)', 'MULTI per event'],
  goals: { 'redis-metrics (npm)': 20 },
  setup: serverSetup('REDIS_URL', startRedis),
  cases: {
    'eventtrack CounterBackend': () => eventtrack(Number(process.env['BENCH_EVENTS'] ?? 200_000)),
    'redis-metrics (npm)': () => redisMetrics(Number(process.env['BENCH_PEER_EVENTS'] ?? 20_000)),
    'MULTI per event': () => pipelinePerEvent(Number(process.env['BENCH_PEER_EVENTS'] ?? 20_000)),
  },
});
