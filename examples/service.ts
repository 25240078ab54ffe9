// The eventtrack service: start it, post events from Node, read them back;
// then the same from Python (examples/service_client.py, standard library
// only) when python3 is installed.
// Run: npx tsx examples/service.ts
//   with REDIS_URL / MONGODB_URL it counts in that Redis and stores in that
//   MongoDB (FerretDB), else it uses the in-memory store and skips the event store.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, hashKey, type ServiceConfig } from '../src/server/index.js';

const redisUrl = process.env['REDIS_URL'];
const mongoUrl = process.env['MONGODB_URL'];
const db = `example_service_${process.pid}`;
const prefix = `example-service:${process.pid}:`;
process.env['EXAMPLE_REDIS_URL'] = redisUrl ?? '';

// The config as `eventtrack serve --config` reads it; secrets by env reference.
const WRITE_KEY = 'example-write-key-123';
const READ_KEY = 'example-read-key-456';
const config: ServiceConfig = {
  tracker: {
    backends: {
      counters: { type: 'counters', options: { rules: [{ match: 'page.*', slug: 'page-views' }] } },
      ...(mongoUrl === undefined ? {} : { mongo: { type: 'mongodb', options: { url: mongoUrl, db } } }),
    },
  },
  metrics: { store: redisUrl === undefined ? { type: 'memory' } : { type: 'redis', options: { url: { env: 'EXAMPLE_REDIS_URL' } as never, prefix } } },
  ...(mongoUrl === undefined ? {} : { mongo: { url: mongoUrl, db } }),
  server: {
    port: 0,
    keys: [
      { id: 'web', sha256: hashKey(WRITE_KEY), scopes: ['write'] }, // store only the hash
      { id: 'dashboard', key: READ_KEY, scopes: ['read'] }, // the key itself: development only
    ],
  },
};

const server = await createServer(config);
const url = await server.listen();
console.log(`service on ${url}`);

// Post a batch: one event is invalid and is rejected alone; ids make a retry safe.
const batch = {
  events: [
    { id: randomUUID(), name: 'page.view', data: { path: '/' }, context: { user_id: 1 } },
    { id: randomUUID(), name: 'page.view', data: { path: '/pricing' }, context: { user_id: 2 } },
    { id: randomUUID(), name: 'signup', data: { plan: 'pro' }, timestamp: new Date().toISOString() },
    { name: '' },
  ],
};
const send = () => fetch(`${url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${WRITE_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(batch) });
const first = await send();
console.log('POST /v1/events →', first.status, await first.json());
const retry = await send(); // same ids: stored and counted once
console.log('retry →', retry.status);

await server.tracker.flush();
const history = await fetch(`${url}/v1/metrics/history?slugs=page-views,signup&granularity=day&limit=1`, { headers: { authorization: `Bearer ${READ_KEY}` } });
const body = (await history.json()) as { series: { slug: string; total: number }[] };
console.log('page views today:', body.series.map((s) => `${s.slug}=${s.total}`).join(', '));
if (body.series[0]!.total !== 2) throw new Error('expected 2 page views (the retry is not counted twice)');

if (mongoUrl !== undefined) {
  const page = await fetch(`${url}/v1/events?name=page.view&limit=10`, { headers: { authorization: `Bearer ${READ_KEY}` } });
  const stored = (await page.json()) as { events: { name: string; context: Record<string, unknown> }[] };
  console.log('stored page views:', stored.events.length, 'ingest context:', JSON.stringify(stored.events[0]?.context['ingest']));
}

const python = spawnSync('python3', ['--version']);
if (python.status === 0) {
  // Not spawnSync: this process must keep serving while the client runs.
  const child = spawn('python3', ['examples/service_client.py'], { stdio: 'inherit', env: { ...process.env, EVENTTRACK_URL: url, EVENTTRACK_KEY: WRITE_KEY, EVENTTRACK_READ_KEY: READ_KEY } });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`service_client.py failed (${code})`);
} else {
  console.log('python3 is not installed: skipping examples/service_client.py');
}

if (redisUrl !== undefined) await server.metrics!.clearAll();
if (mongoUrl !== undefined) await (server.events!.client as unknown as { db(name: string): { dropDatabase(): Promise<unknown> } }).db(db).dropDatabase();
await server.close();
console.log('closed');
