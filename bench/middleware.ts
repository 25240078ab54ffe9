// Requests per second of a minimal node:http server with `wrapHttpHandler`
// and three emits per request, vs the same server without tracking.
//
//   npx tsx bench/middleware.ts        (BENCH_RUNS=n for more runs)
//
// Each case runs in a fresh process: it starts the server on a loopback port
// and drives it from an in-process client over keep-alive connections
// (32 at a time) for a fixed number of requests, bounded in time. The client
// shares the process (and the CPU) with the server, so both figures include
// its cost; the ratio is what matters.
//
// Rates are requests per CPU-second of the process (user + system time), not
// per wall-clock second: the process is CPU-bound, so on an idle machine the
// two agree, and on a shared one CPU time is what stays comparable between
// runs. BENCH_CLOCK=wall measures wall-clock time instead.
//
// A third case wraps the plain handler in `AsyncLocalStorage.run` and nothing
// else: on Node 20 merely using AsyncLocalStorage turns on async hooks for
// every async resource and promise, a cost any context-carrying middleware
// pays; the ratio against it shows what eventtrack adds on top.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createTracker, wrapHttpHandler } from '../src/index.js';
import { runBench } from './harness.js';

const WARMUP = 2_000;
const REQUESTS = 12_000;
const CONCURRENCY = 32;
const TIME_LIMIT_MS = 8_000;
const WALL_CLOCK = process.env['BENCH_CLOCK'] === 'wall';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function fetchOnce(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Sends up to `count` requests, `CONCURRENCY` at a time, until `deadline`; resolves with how many completed. */
async function drive(agent: Agent, base: string, count: number, deadline: number): Promise<number> {
  let sent = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < count && performance.now() < deadline) {
        sent++;
        await fetchOnce(agent, `${base}/courses/${sent % 100}?page=2`);
        done++;
      }
    }),
  );
  return done;
}

async function measure(handler: Handler, after: () => Promise<void>): Promise<{ ops: number; ms: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    await drive(agent, base, WARMUP, performance.now() + TIME_LIMIT_MS);
    const start = performance.now();
    const cpu = process.cpuUsage();
    const ops = await drive(agent, base, REQUESTS, start + TIME_LIMIT_MS);
    const used = process.cpuUsage(cpu);
    return { ops, ms: WALL_CLOCK ? performance.now() - start : (used.user + used.system) / 1000 };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await after();
  }
}

function respond(res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
}

await runBench({
  title: `node:http requests per ${WALL_CLOCK ? 'second' : 'CPU-second'}: wrapHttpHandler + 3 emits per request vs no tracking`,
  file: import.meta.url,
  subject: 'eventtrack middleware',
  peers: ['untracked', 'AsyncLocalStorage.run only'],
  goals: { untracked: 0.95 },
  cases: {
    'eventtrack middleware': () => {
      // Events are batched and delivered to a backend that discards them.
      const tracker = createTracker({ backends: { sink: () => undefined }, flushOnExit: false });
      const handler = wrapHttpHandler(tracker, (req: IncomingMessage, res: ServerResponse) => {
        tracker.emit('course.view', { course: req.url });
        tracker.emit('course.progress', { percent: 40 });
        tracker.emit('course.render', { ok: true });
        respond(res);
      });
      return measure(handler, async () => {
        await tracker.shutdown();
      });
    },
    untracked: () => measure((_req, res) => respond(res), async () => undefined),
    'AsyncLocalStorage.run only': () => {
      const storage = new AsyncLocalStorage<{ path: string | undefined }>();
      return measure(
        (req, res) => storage.run({ path: req.url }, () => respond(res)),
        async () => undefined,
      );
    },
  },
});
