// POST /v1/events throughput: events/s accepted by the eventtrack service in
// batches of 500 over keep-alive, against the ceiling — a bare Fastify route
// that parses the same JSON and answers 200. The client runs in its own
// process (4 requests in flight), so the server's CPU is what is measured.
// The service runs compiled (dist/), with its full pipeline: auth, rate limit
// (memory), per-event checks, emit into a tracker whose backend discards.
import { spawn } from 'node:child_process';
import { request, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import type * as Sdk from '../src/index.js';
import type * as Server from '../src/server/index.js';
import { runBench } from './harness.js';

const BATCH = 500;
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 600);
const IN_FLIGHT = 4;
const KEY = 'bench-key-0123456789';

function batch(offset: number): string {
  const events = [];
  for (let i = 0; i < BATCH; i++) {
    events.push({ name: 'page.view', data: { path: `/courses/${(offset + i) % 97}/unit/${i % 13}`, referrer: 'https://example.org/', duration_ms: i * 3 }, context: { user_id: (offset + i) % 1000, session: 'sess-abcdef' } });
  }
  return JSON.stringify({ events });
}

/** The client process: sends REQUESTS batches to the port, prints the ms it took. */
async function client(port: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const bodies = Array.from({ length: 8 }, (_, i) => Buffer.from(batch(i * BATCH)));
  const send = (body: Buffer) => new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/events', agent, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  for (let i = 0; i < 20; i++) await send(bodies[i % bodies.length]!); // warm-up
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < REQUESTS) await send(bodies[next++ % bodies.length]!);
  }));
  process.stdout.write(`${performance.now() - started}\n`);
  agent.destroy();
}

async function measure(port: number, close: () => Promise<void>): Promise<{ ops: number; ms: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--client', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  await close();
  if (code !== 0) throw new Error(`client failed (${code})`);
  return { ops: REQUESTS * BATCH, ms: Number(out.trim()) };
}

const clientIndex = process.argv.indexOf('--client');
if (clientIndex !== -1) {
  await client(Number(process.argv[clientIndex + 1]));
} else {
  await runBench({
    title: `POST /v1/events: events/s accepted, batches of ${BATCH}, keep-alive, ${IN_FLIGHT} in flight`,
    file: import.meta.url,
    subject: 'eventtrack service',
    peers: ['bare Fastify JSON route'],
    goals: { 'bare Fastify JSON route': 0.6 },
    build: true,
    cases: {
      'eventtrack service': async () => {
        const { createServer } = (await import(new URL('../dist/server/index.js', import.meta.url).href)) as typeof Server;
        const { createTracker } = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof Sdk;
        const tracker = createTracker({ backends: { sink: () => undefined }, flushOnExit: false });
        const server = await createServer({ tracker, server: { port: 0, keys: [{ id: 'bench', key: KEY, scopes: ['write'] }], limits: { queueHighWater: 1_000_000, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } } } });
        const url = new URL(await server.listen(0));
        return measure(Number(url.port), async () => {
          await server.close();
          await tracker.shutdown();
        });
      },
      'bare Fastify JSON route': async () => {
        const { default: fastify } = await import('fastify');
        const app = fastify({ bodyLimit: 1024 * 1024 });
        app.post('/v1/events', async (req) => ({ accepted: (req.body as { events: unknown[] }).events.length, rejected: [] }));
        const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
        return measure(Number(url.port), () => app.close());
      },
    },
  });
}
