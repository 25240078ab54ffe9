// Samples/s of `metrics.timing` recorded into Redis (DDSketch bins plus count,
// sum, min and max per bucket at the default timing granularities: minute,
// hour, day, month), until applied and read back, against a hand-written loop
// of one HINCRBY per sample (the sample's bin of one hour key only, issued
// 1 000 at a time so ioredis pipelines them: generous to the peer, which
// stores a quarter of the buckets and no count, sum, min or max).
// Also reports MEMORY USAGE of one hour and one day bucket key.
//
//   npx tsx bench/timing.ts        (starts a redis-server via test/support/servers.ts)
//   REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/timing.ts
import { Redis } from 'ioredis';
import { DDSketch } from '@datadog/sketches-js';
import { Metrics, RedisCounterStore } from '../src/index.js';
import { startRedis } from '../test/support/servers.js';
import { runBench, serverSetup } from './harness.js';

const CHUNK = 1_000;
const SLUGS = ['checkout', 'search', 'login', 'home'];

function redisUrl(): string {
  const value = process.env['REDIS_URL'];
  if (value === undefined) throw new Error('REDIS_URL is not set');
  return value;
}

/** Log-normal latencies around 20 ms. */
function samples(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(3 + Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()) * 0.8);
  return out;
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function eventtrack(count: number): Promise<{ ops: number; ms: number; note: string }> {
  const prefix = `bench-tim-${process.pid}:`;
  const metrics = new Metrics({ store: new RedisCounterStore({ url: redisUrl(), prefix }) });
  const values = samples(count);
  metrics.timing('warmup', 1);
  await metrics.flush();
  const since = Date.now();
  const started = performance.now();
  for (let done = 0; done < count; done += CHUNK) {
    for (let i = done; i < Math.min(count, done + CHUNK); i++) metrics.timing(SLUGS[i & 3]!, values[i]!);
    await yieldTurn();
  }
  await metrics.flush();
  const ms = performance.now() - started;
  const summary = await metrics.getTimingSummary('checkout', { since, percentiles: [50, 99] });
  if (summary.count !== Math.ceil(count / 4)) throw new Error(`counted ${summary.count}, expected ${Math.ceil(count / 4)}`);
  const client = new Redis(redisUrl());
  const hourKey = (await client.keys(`${prefix}{checkout}:t:h:*`))[0]!;
  const dayKey = (await client.keys(`${prefix}{checkout}:t:d:*`))[0]!;
  const hourBytes = await client.memory('USAGE', hourKey);
  const dayBytes = await client.memory('USAGE', dayKey);
  const fields = await client.hlen(hourKey);
  await metrics.clearAll();
  await metrics.close();
  await client.quit();
  return { ops: count, ms, note: `bytes per bucket (MEMORY USAGE): hour ${hourBytes} (${fields} fields), day ${dayBytes}; p50 ${summary.percentiles['50']!.toFixed(1)} ms` };
}

async function hincrbyPerSample(count: number): Promise<{ ops: number; ms: number }> {
  const client = new Redis(redisUrl());
  const mapping = new DDSketch({ relativeAccuracy: 0.01 }).mapping;
  const values = samples(count);
  const key = `bench-tim-peer-${process.pid}:{checkout}:h`;
  const started = performance.now();
  for (let done = 0; done < count; done += CHUNK) {
    const pending: Promise<number>[] = [];
    for (let i = done; i < Math.min(count, done + CHUNK); i++) pending.push(client.hincrby(key, String(mapping.key(values[i]!)), 1));
    await Promise.all(pending);
  }
  const ms = performance.now() - started;
  await client.del(key);
  await client.quit();
  return { ops: count, ms };
}

await runBench({
  title: 'bench/timing: samples/s recorded into Redis timing buckets',
  file: import.meta.url,
  subject: 'eventtrack timing',
  peers: ['HINCRBY per sample'],
  goals: { 'HINCRBY per sample': 20 },
  setup: serverSetup('REDIS_URL', startRedis),
  cases: {
    'eventtrack timing': () => eventtrack(Number(process.env['BENCH_EVENTS'] ?? 500_000)),
    'HINCRBY per sample': () => hincrbyPerSample(Number(process.env['BENCH_PEER_EVENTS'] ?? 50_000)),
  },
});
