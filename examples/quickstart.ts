// Quick start: a node:http server whose handlers run inside request contexts,
// a client firing a few hundred concurrent requests at it, and events going
// to a JSON-lines file (LoggerBackend), to memory (MemoryBackend) and to a
// "warehouse" backend of our own that is down for its first sends: the tracker
// retries with backoff and, once it is back, nothing is lost (0 dropped).
// Run: npm run demo   (no servers needed; everything stays on 127.0.0.1)
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTracker, getTracker, LoggerBackend, MemoryBackend, registerTracker, type TrackedEvent } from 'eventtrack';

const REQUESTS = Number(process.env['DEMO_REQUESTS'] ?? 300);
const USERS = 12;
const logPath = join(mkdtempSync(join(tmpdir(), 'eventtrack-demo-')), 'events.jsonl');

const memory = new MemoryBackend();

// A backend is just `send(events)`; this one is down (throws) for its first 3 sends, then recovers.
const warehouse = {
  failuresLeft: 3,
  stored: [] as TrackedEvent[],
  send(events: readonly TrackedEvent[]): void {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('warehouse unavailable (simulated outage)');
    }
    this.stored.push(...events);
  },
};

const tracker = createTracker({
  backends: {
    log: new LoggerBackend({ path: logPath }),
    memory,
    warehouse: { backend: warehouse, delivery: { retryBaseDelayMs: 20, maxRetries: 5 } },
  },
});
registerTracker(tracker); // anywhere else in the app: getTracker().emit(...)
tracker.on('error', (error) => console.error('tracker error:', error.message));

// Application code: emits events without passing user or request data around.
async function loadCourse(courseId: string): Promise<void> {
  await getTracker().context('course', { course_id: courseId, org: { id: courseId.split('+')[0] } }, async () => {
    await sleep(Math.random() * 5); // a database call
    getTracker().emit('course.viewed', { section: Math.ceil(Math.random() * 4) });
  });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const userId = Number(req.headers['x-user-id']);
  void tracker.context('request', { user_id: userId, method: req.method, path: url.pathname, org: { plan: 'pro' } }, async () => {
    tracker.emit('navigation.request', { url: url.pathname });
    if (url.pathname.startsWith('/courses/')) await loadCourse(url.pathname.split('/')[2]!);
    if (req.method === 'POST') tracker.emit('address.create', { name: `address of ${userId}` });
    res.end('ok');
  });
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

function send(i: number): Promise<void> {
  const paths = ['/', '/courses/edX+DemoX', '/courses/MITx+6.002x', '/account'];
  const method = i % 5 === 0 ? 'POST' : 'GET';
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: paths[i % paths.length], method, headers: { 'x-user-id': String(i % USERS) } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

const started = performance.now();
await Promise.all(Array.from({ length: REQUESTS }, (_, i) => send(i)));
const elapsed = performance.now() - started;
server.close();
const report = await tracker.shutdown();

// Summary: straight from the recorded events.
const byName = new Map<string, number>();
const byUser = new Map<number, number>();
let mixed = 0;
for (const event of memory.events) {
  byName.set(event.name, (byName.get(event.name) ?? 0) + 1);
  const user = event.context['user_id'] as number;
  byUser.set(user, (byUser.get(user) ?? 0) + 1);
  if (event.name === 'course.viewed' && event.context['course_id'] === undefined) mixed++;
}
const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n');
console.log(`\n${REQUESTS} concurrent requests in ${elapsed.toFixed(0)} ms → ${memory.events.length} events (flush complete: ${report.complete})`);
console.log('\nEvents per name:');
for (const [name, count] of [...byName].sort()) console.log(`  ${name.padEnd(22)} ${String(count).padStart(5)}`);
console.log('\nEvents per user:');
for (const [user, count] of [...byUser].sort((a, b) => a[0] - b[0])) console.log(`  user ${String(user).padEnd(17)} ${String(count).padStart(5)}`);
console.log(`\nJSON lines written to ${logPath} (${lines.length} lines); the first one:\n  ${lines[0]}`);
const stats = tracker.stats();
console.log(`\nDelivery: ${JSON.stringify(Object.fromEntries(Object.entries(stats.backends).map(([n, s]) => [n, { sent: s.sent, failed: s.failed, retried: s.retried, dropped: s.dropped }])))}`);
const outage = stats.backends['warehouse']!;
console.log(
  `The warehouse failed ${outage.failed} sends; the tracker retried them and it stored all ${warehouse.stored.length} events after the outage (dropped: ${outage.dropped}).`,
);
const ids = new Set(warehouse.stored.map((event) => event.id));
const recovered = outage.failed === 3 && outage.dropped === 0 && ids.size === memory.events.length && warehouse.stored.length === memory.events.length;
if (lines.length !== memory.events.length || mixed > 0 || !report.complete || !recovered) {
  console.error('demo check failed: the backends disagree, contexts mixed or the warehouse lost events');
  process.exit(1);
}
