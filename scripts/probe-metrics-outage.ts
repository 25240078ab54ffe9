// Memory of Metrics while its Redis is unreachable: writes distinct counters for a while against a
// RedisCounterStore whose port has no server, and prints the peak retained heap (after GC) and RSS,
// the pending estimate and the drops. The README's "Bounded memory while the store is down" figure.
// Usage: node --expose-gc --import tsx scripts/probe-metrics-outage.ts [seconds=40] [maxPendingBytes]
import { createServer } from 'node:net';
import { Metrics } from '../src/metrics/Metrics.js';
import { RedisCounterStore } from '../src/metrics/redis/RedisCounterStore.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const seconds = Number(process.argv[2] ?? 40);
const maxPendingBytes = process.argv[3] === undefined ? undefined : Number(process.argv[3]);

// A free loopback port with nothing listening on it.
const port = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    server.close(() => resolve(address.port));
  });
});
const store = new RedisCounterStore({ url: `redis://127.0.0.1:${port}`, prefix: 'probe:' });
const metrics = new Metrics({ store, ...(maxPendingBytes === undefined ? {} : { maxPendingBytes }) });
let reported = 0;
metrics.on('error', () => undefined);
metrics.on('drop', (info) => {
  reported += info.writes;
});
let peakHeap = 0;
let peakRss = 0;
const sampler = setInterval(() => {
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  peakHeap = Math.max(peakHeap, heapUsed);
  peakRss = Math.max(peakRss, rss);
}, 2000);
let calls = 0;
const started = Date.now();
while (Date.now() - started < seconds * 1000) {
  const now = Date.now();
  for (let k = 0; k < 20_000; k++, calls++) metrics.metric(`slug-${calls % 2000}`, 1, { timestamp: now - (calls % 600) * 1000 });
  await new Promise((resolve) => setImmediate(resolve));
}
clearInterval(sampler);
const stats = metrics.stats();
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
process.stdout.write(
  `${JSON.stringify({ seconds, calls, peakRetainedHeapMiB: mib(peakHeap), peakRssMiB: mib(peakRss), pendingMiB: mib(stats.pendingBytes), pendingWrites: stats.pendingWrites, droppedWrites: stats.droppedWrites, reportedDrops: reported })}\n`,
);
process.exit(0);
