// Events/s forwarded to a local webhook (a receiver in its own process that
// reads and parses every body): the tracker with HttpBackend (JSON array,
// batches of 500, one request in flight) against hand-written batching with
// Node's fetch — the same events collected into arrays of 500 and posted one
// request at a time — both until the receiver has answered every request.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createTracker, HttpBackend } from '../src/index.js';
import { runBench } from './harness.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const BATCH = 500;
const CHUNK = 1_000;
const payload = { url: '/courses/42/lesson/7', method: 'GET', status: 200, bytes: 5120, cached: false };
const context = { service: 'web', version: '1.4.2', user_id: 10938, session: 'ab12cd' };
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const RECEIVER = `
const http = require('node:http');
let events = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    events += JSON.parse(Buffer.concat(chunks).toString('utf8')).length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

function url(): string {
  const value = process.env['WEBHOOK_URL'];
  if (value === undefined) throw new Error('WEBHOOK_URL is not set');
  return value;
}

await runBench({
  title: 'bench/forwarders: events → local webhook (JSON arrays of 500)',
  file: import.meta.url,
  subject: 'eventtrack → HttpBackend',
  peers: ['hand-written fetch batching'],
  goals: { 'hand-written fetch batching': 0.9 },
  setup: async () => {
    const child: ChildProcess = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim()));
      child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    });
    return {
      env: { WEBHOOK_URL: `http://127.0.0.1:${port}/hook` },
      teardown: async () => void child.kill(),
    };
  },
  cases: {
    'eventtrack → HttpBackend': async () => {
      const tracker = createTracker({
        backends: { hook: { backend: new HttpBackend({ url: url() }), delivery: { batchSize: BATCH, maxQueueSize: EVENTS } } },
      });
      tracker.enterContext('app', context);
      const started = performance.now();
      for (let i = 0; i < EVENTS; i += CHUNK) {
        for (let j = i; j < i + CHUNK; j++) tracker.emit('page.view', payload);
        await yieldTurn();
      }
      const report = await tracker.shutdown(60_000);
      const ms = performance.now() - started;
      if (!report.complete || tracker.stats().backends['hook']!.sent !== EVENTS) throw new Error(`not all delivered: ${JSON.stringify(tracker.stats())}`);
      return { ops: EVENTS, ms };
    },
    'hand-written fetch batching': async () => {
      const target = url();
      let buffer: object[] = [];
      let chain: Promise<void> = Promise.resolve();
      let sent = 0;
      const post = (batch: object[]): void => {
        chain = chain.then(async () => {
          const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
          await res.text();
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          sent += batch.length;
        });
      };
      const started = performance.now();
      for (let i = 0; i < EVENTS; i += CHUNK) {
        for (let j = i; j < i + CHUNK; j++) {
          buffer.push({ id: randomUUID(), name: 'page.view', timestamp: new Date(), context, data: { ...payload } });
          if (buffer.length === BATCH) {
            post(buffer);
            buffer = [];
          }
        }
        await yieldTurn();
      }
      if (buffer.length > 0) post(buffer);
      await chain;
      const ms = performance.now() - started;
      if (sent !== EVENTS) throw new Error(`sent ${sent}`);
      return { ops: EVENTS, ms };
    },
  },
});
