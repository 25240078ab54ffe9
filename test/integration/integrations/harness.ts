// Shared by the framework tests: a real tracker with a MemoryBackend, a
// loopback HTTP client without keep-alive (no socket outlives a request), and
// the concurrency scenario every framework must pass.
import assert from 'node:assert/strict';
import { request as httpRequest, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { Tracker } from '../../../src/tracker/Tracker.js';

export const SESSION_SECRET = 'integration-test-session-secret!';

export function trackerWithMemory(): { tracker: Tracker; memory: MemoryBackend } {
  const memory = new MemoryBackend();
  return { tracker: createTracker({ backends: { memory }, flushOnExit: false, delivery: { flushIntervalMs: 10 } }), memory };
}

/** Listens on 127.0.0.1 on a free port; returns the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Starts and stops the app under test; `start` resolves to its base URL. */
export interface AppUnderTest {
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** A node:http server as an {@link AppUnderTest} on a free loopback port. */
export function httpApp(server: Server): AppUnderTest {
  return { start: () => listen(server), stop: () => closeServer(server) };
}

/**
 * Registers the hooks every framework suite shares (call it inside `describe`):
 * start the app before the tests, stop it and shut the tracker down after them,
 * and begin each test with everything flushed and the memory backend empty.
 * Returns a getter for the base URL (known once the suite has started).
 */
export function serveDuringSuite(tracker: Tracker, memory: MemoryBackend, app: AppUnderTest): () => string {
  let base = '';
  before(async () => {
    base = await app.start();
  });
  after(async () => {
    await app.stop();
    await tracker.shutdown();
  });
  beforeEach(async () => {
    await tracker.flush();
    memory.clear();
  });
  return () => base;
}

export interface Reply {
  status: number;
  body: string;
}

/**
 * One request over a fresh connection (Connection: close). With `bodyDelayMs`
 * the headers go out first and the body that long after, so the server reads
 * it in a later socket callback (outside the request's async context) — the
 * case that loses context in naive middleware.
 */
export function request(
  base: string,
  path: string,
  init: { method?: string; headers?: OutgoingHttpHeaders; body?: string; bodyDelayMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.bodyDelayMs === undefined) req.end(init.body);
    else {
      req.flushHeaders();
      setTimeout(() => req.end(init.body), init.bodyDelayMs);
    }
  });
}

/** A delay in ms that differs per request but is the same on every run. */
export function delayFor(id: number): number {
  return (id * 7919) % 23;
}

/**
 * The app under test serves `/items/:id`: it emits `item.start`, waits
 * `delayFor(id)` ms, emits `item.end`, and answers 200. Every request carries
 * its own `x-request-id` and `x-user` (read by the `userId` callback). Fires
 * `count` requests at once and checks that every event carries exactly its own
 * request's context.
 */
export async function assertContextsNeverMix(
  base: string,
  tracker: Tracker,
  memory: MemoryBackend,
  options: { count?: number; route?: string } = {},
): Promise<void> {
  const count = options.count ?? 200;
  const replies = await Promise.all(
    Array.from({ length: count }, (_, id) =>
      request(base, `/items/${id}?n=${id}`, { headers: { 'x-request-id': `req-${id}`, 'x-user': `user-${id}` } }),
    ),
  );
  for (const reply of replies) assert.equal(reply.status, 200, reply.body);
  await waitForEvents(tracker, memory, (events) => events.filter((e) => e.name === 'http.request').length >= count);

  const starts = memory.named('item.start');
  const ends = memory.named('item.end');
  assert.equal(starts.length, count);
  assert.equal(ends.length, count);
  for (const event of [...starts, ...ends]) {
    const id = event.data['id'];
    assert.equal(event.context['request_id'], `req-${String(id)}`, `${event.name} of item ${String(id)}`);
    assert.equal(event.context['path'], `/items/${String(id)}`);
    assert.equal(event.context['user_id'], `user-${String(id)}`);
    assert.equal(event.context['method'], 'GET');
    assert.equal(event.context['ip'], '127.0.0.1');
  }
  const requestEvents = memory.named('http.request');
  assert.equal(requestEvents.length, count);
  for (const event of requestEvents) {
    const id = /^\/items\/(\d+)$/.exec(String(event.data['path']))![1];
    assert.equal(event.context['request_id'], `req-${id}`);
    assert.equal(event.data['status'], 200);
    assert.deepEqual(event.data['query'], { n: id });
    if (options.route !== undefined) assert.equal(event.data['route'], options.route);
    assert.ok((event.data['duration_ms'] as number) >= delayFor(Number(id)) - 1, `duration of ${id}`);
  }
}

/** Flushes until `done(events)` holds (the request event follows the response by a tick). */
export async function waitForEvents(tracker: Tracker, memory: MemoryBackend, done: (events: TrackedEvent[]) => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await tracker.flush();
    if (done(memory.events)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`expected events did not arrive; have ${memory.events.map((e) => e.name).join(', ')}`);
}

/**
 * POSTs JSON to `/echo` with the body sent 20 ms after the headers; the app's
 * `/echo` emits `echo` and answers with the context it sees. Both must carry
 * the request's context.
 */
export async function assertContextSurvivesSlowBody(base: string, tracker: Tracker, memory: MemoryBackend): Promise<void> {
  const reply = await request(base, '/echo', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'post-1' },
    body: JSON.stringify({ a: 1 }),
    bodyDelayMs: 20,
  });
  assert.equal(reply.status, 200);
  assert.equal((JSON.parse(reply.body) as Record<string, unknown>)['request_id'], 'post-1');
  await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'echo'));
  assert.equal(memory.named('echo')[0]!.context['request_id'], 'post-1');
}

/** An unmatched path is recorded as a 404 request event without a route. */
export async function assertNotFoundWithoutRoute(base: string, tracker: Tracker, memory: MemoryBackend): Promise<void> {
  assert.equal((await request(base, '/nowhere')).status, 404);
  await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'http.request'));
  const event = memory.named('http.request')[0]!;
  assert.equal(event.data['status'], 404);
  assert.ok(!('route' in event.data));
}

/** The app's `/health` (a skipped path) answers with the context it sees: none, and no event is recorded. */
export async function assertHealthSkipped(base: string, tracker: Tracker, memory: MemoryBackend): Promise<void> {
  const reply = await request(base, '/health');
  assert.deepEqual(JSON.parse(reply.body), {});
  await sleep(20);
  await tracker.flush();
  assert.equal(memory.events.length, 0);
}
