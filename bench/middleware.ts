// Requests per second of a minimal node:http server with `wrapHttpHandler`
// and three emits per request, vs the same server without tracking.
//
//   npx tsx bench/middleware.ts        (BENCH_RUNS=n for more runs)
//
// The cases run the compiled package (dist/, built first), as applications do:
// run through tsx, every closure made per request would also pay for tsx's
// function-naming helper.
//
// Each case runs in a fresh process that starts the server on a loopback port;
// a separate client process (this file with --client) drives it over
// keep-alive connections (32 at a time) for a fixed number of requests,
// bounded in time, as a load generator would. The rate is requests per
// CPU-second of the server process (user + system), so the client's own work
// and the other load on a shared machine do not blur the comparison;
// BENCH_CLOCK=wall measures the server's wall-clock time instead.
//
// BENCH_LOAD=wrk drives the server with `wrk` (if installed: apt install wrk)
// instead: 32 connections for 5 s after a 2 s warm-up. wrk needs far less CPU
// per request than a Node client, so the server runs saturated and serves
// several requests per turn of its event loop; its own cost per request is
// then about halved, and the same added work weighs about twice as much.
//
// Two more cases show where the cost comes from:
// - `AsyncLocalStorage.run only` wraps the plain handler in
//   `AsyncLocalStorage.run` and nothing else: on Node 20 merely using
//   AsyncLocalStorage turns on async hooks for every async resource and
//   promise, a cost any context-carrying middleware pays;
// - `minimal tracking by hand` is the least work the design's guarantees take,
//   written inline: a frozen request context with a request id in
//   AsyncLocalStorage, and per event a UUID v7 (this SDK's generator), a
//   timestamp and a copy of the data, queued; no validation, normalisation,
//   size limit, routing or delivery.
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { Agent, createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { importCompiled, runBench } from './harness.js';

const WARMUP = 5_000;
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 40_000);
const CONCURRENCY = 32;
const TIME_LIMIT_MS = Number(process.env['BENCH_TIME_LIMIT_MS'] ?? 20_000);
const WALL_CLOCK = process.env['BENCH_CLOCK'] === 'wall';
const WRK = process.env['BENCH_LOAD'] === 'wrk';

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

/** The load generator, in its own process: warms up, says `start`, drives, says `done <count>`. */
async function client(port: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await drive(agent, base, WARMUP, performance.now() + TIME_LIMIT_MS);
  process.stdout.write('start\n');
  const ops = await drive(agent, base, REQUESTS, performance.now() + TIME_LIMIT_MS);
  process.stdout.write(`done ${ops}\n`);
  agent.destroy();
}

/** Runs wrk against the server for `seconds`; resolves with how many requests completed. */
async function wrk(port: number, seconds: number): Promise<number> {
  const child = spawn('wrk', ['-t1', `-c${CONCURRENCY}`, `-d${seconds}s`, `http://127.0.0.1:${port}/courses/7?page=2`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  const done = /(\d+) requests in/.exec(output);
  if (code !== 0 || done === null) throw new Error(`wrk failed (exit ${code}):\n${output}`);
  return Number(done[1]);
}

async function measure(handler: Handler, after: () => Promise<void>): Promise<{ ops: number; ms: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  if (WRK) {
    try {
      await wrk(port, 2);
      const cpu = process.cpuUsage();
      const start = performance.now();
      const ops = await wrk(port, 5);
      const used = process.cpuUsage(cpu);
      return { ops, ms: WALL_CLOCK ? performance.now() - start : (used.user + used.system) / 1000 };
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await after();
    }
  }
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--client', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let cpu = process.cpuUsage();
    let start = performance.now();
    let ops = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'start') {
        cpu = process.cpuUsage();
        start = performance.now();
      } else if (line.startsWith('done ')) {
        const used = process.cpuUsage(cpu);
        const wall = performance.now() - start;
        ops = Number(line.slice(5));
        return { ops, ms: WALL_CLOCK ? wall : (used.user + used.system) / 1000 };
      }
    }
    throw new Error('the client process ended without a result');
  } finally {
    child.kill();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await after();
  }
}

function respond(res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
}

// The compiled package, as applications run it (the harness builds it first).
const { createTracker, newEventId, wrapHttpHandler } = await importCompiled();

const clientIndex = process.argv.indexOf('--client');
if (clientIndex !== -1) {
  await client(Number(process.argv[clientIndex + 1]));
} else {
await runBench({
  title: `node:http requests per ${WALL_CLOCK ? 'second' : 'CPU-second'} (${WRK ? 'wrk' : 'Node client'}): wrapHttpHandler + 3 emits per request vs no tracking`,
  file: import.meta.url,
  subject: 'eventtrack middleware',
  peers: ['untracked', 'AsyncLocalStorage.run only', 'minimal tracking by hand'],
  goals: { untracked: 0.95 },
  build: true,
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
    'minimal tracking by hand': () => {
      const storage = new AsyncLocalStorage<Readonly<Record<string, string>>>();
      const queue: object[] = [];
      let stamp = new Date(Number.NaN);
      const record = (name: string, data: Record<string, unknown>): void => {
        const now = Date.now();
        if (stamp.getTime() !== now) stamp = new Date(now);
        queue.push({ id: newEventId(now), name, timestamp: stamp, context: storage.getStore() ?? {}, data: { ...data } });
        if (queue.length === 500) queue.length = 0; // delivered
      };
      const handler: Handler = (req, res) => {
        const context = { method: req.method ?? 'GET', path: req.url ?? '/', ip: req.socket.remoteAddress ?? '', request_id: newEventId() };
        storage.run(Object.freeze(context), () => {
          record('course.view', { course: req.url });
          record('course.progress', { percent: 40 });
          record('course.render', { ok: true });
          respond(res);
        });
      };
      return measure(handler, async () => undefined);
    },
    'AsyncLocalStorage.run only': () => {
      const storage = new AsyncLocalStorage<{ path: string | undefined }>();
      return measure(
        (req, res) => storage.run({ path: req.url }, () => respond(res)),
        async () => undefined,
      );
    },
  },
});
}
