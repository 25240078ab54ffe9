// `eventtrack metrics history` and `eventtrack events tail` against a running
// service (in-memory metrics; a stand-in event store with findPage).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import type { MongoEventStore } from '../../../src/backends/mongodb/MongoEventStore.js';
import { bar, resolveSince, runReadCommand } from '../../../src/cli/readCommands.js';
import { runCli } from '../../../src/cli/runCli.js';
import { Metrics } from '../../../src/metrics/Metrics.js';
import { createServer, type EventTrackServer } from '../../../src/server/createServer.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';

const KEY = 'cli-read-key-0001';
let server: EventTrackServer;
let url: string;
const memory = new MemoryBackend();
const metrics = new Metrics();
const queries: unknown[] = [];

describe('read commands against a running service', () => {
before(async () => {
  const tracker = createTracker({ backends: { memory }, flushOnExit: false });
  for (const name of ['page.view', 'page.view', 'signup', 'page.home']) tracker.emit(name, { n: 1 });
  await tracker.flush();
  // The read API's event store, reduced to what `events tail` uses: newest first.
  const events = {
    findPage: async (query: { sort?: string; names?: string[]; limit?: number }) => {
      queries.push(query);
      const all: TrackedEvent[] = [...memory.events].reverse().filter((e) => query.names === undefined || query.names.includes(e.name));
      return { events: all.slice(0, query.limit), next: undefined };
    },
  } as unknown as MongoEventStore;
  const day = Date.UTC(2026, 2, 10);
  metrics.metric('page-views', 4, { timestamp: day });
  metrics.metric('page-views', 8, { timestamp: day + 86_400_000 });
  server = await createServer({ tracker, metrics, mongo: events, server: { port: 0, keys: [{ id: 'r', key: KEY, scopes: ['read'] }], limits: { rateLimit: false } } });
  url = await server.listen(0);
});
after(async () => {
  await server.close();
  await metrics.close();
});

function capture() {
  let out = '';
  let err = '';
  return { io: { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), cwd: process.cwd() }, out: () => out, err: () => err };
}

test('resolveSince and bar', () => {
  assert.equal(resolveSince('7d', Date.UTC(2026, 0, 8)), '2026-01-01T00:00:00.000Z');
  assert.equal(resolveSince('2026-01-01'), '2026-01-01');
  assert.equal(bar(8, 8, 4), '████');
  assert.equal(bar(4, 8, 4), '██');
  assert.equal(bar(1, 8, 1), '▏');
  assert.equal(bar(0, 8), '');
});

test('metrics history prints each bucket with its value and a bar', async () => {
  const c = capture();
  const code = await runCli(['metrics', 'history', 'page-views', '--since', '2026-03-10T00:00:00Z', '--until', '2026-03-11T00:00:00Z', '--url', url, '--key', KEY], c.io);
  assert.equal(code, 0, c.err());
  assert.equal(c.out(), 'page-views (day, total 12)\n  2026-03-10         4  ████████████████████\n  2026-03-11         8  ████████████████████████████████████████\n');
});

test('events tail: newest events oldest first, a glob filtered here, an exact name by the service', async () => {
  const glob = capture();
  assert.equal(await runReadCommand(['events', 'tail', '--name', 'page.*', '--url', url, '--key', KEY], glob.io, {}), 0, glob.err());
  assert.deepEqual(glob.out().trim().split('\n').map((line) => line.split('  ')[1]), ['page.view', 'page.view', 'page.home']);
  const exact = capture();
  assert.equal(await runReadCommand(['events', 'tail', '--name', 'signup', '--json', '--url', url], exact.io, { EVENTTRACK_KEY: KEY }), 0, exact.err());
  assert.equal((JSON.parse(exact.out()) as { name: string }).name, 'signup');
  assert.deepEqual((queries.at(-1) as { names: string[] }).names, ['signup']);
});

test('refusals and bad usage: the service error code, exit 1; unknown command, exit 2', async () => {
  const refused = capture();
  assert.equal(await runReadCommand(['metrics', 'history', 'x', '--url', url, '--key', 'wrong-key-000000'], refused.io, {}), 1);
  assert.match(refused.err(), /401 invalid-key/);
  const unknown = capture();
  assert.equal(await runReadCommand(['metrics', 'nope'], unknown.io, {}), 2);
});
});
