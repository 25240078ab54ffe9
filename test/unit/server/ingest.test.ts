// POST /v1/events over an in-memory tracker (no servers): the emit pipeline's
// verdicts per event, backpressure, graceful close.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, describe, test } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { EventCatalog } from '../../../src/catalog/EventCatalog.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { MAX_DEPTH } from '../../../src/event/normalize.js';
import { createServer, type EventTrackServer } from '../../../src/server/createServer.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { Tracker } from '../../../src/tracker/Tracker.js';

const KEY = 'unit-test-key-0001';
const servers: EventTrackServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(tracker: Tracker, limits: Record<string, unknown> = {}): Promise<EventTrackServer> {
  const server = await createServer({ tracker, server: { port: 0, keys: [{ id: 'k', key: KEY, scopes: ['write', 'read'] }], limits: { rateLimit: false, ...limits } } });
  servers.push(server);
  return server;
}

async function post(server: EventTrackServer, body: unknown) {
  const response = await server.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: response.statusCode, headers: response.headers, body: response.json() as { accepted: number; rejected: { index: number; reason: string; message: string }[]; error?: { code: string } } };
}

function nest(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { d: value };
  return value;
}

describe('ingestion through emit', () => {
  test('the deepest data the tracker keeps whole is accepted, one level more is rejected as too-deep (never truncated)', async () => {
    const memory = new MemoryBackend();
    const server = await start(createTracker({ backends: { memory }, flushOnExit: false }));
    // data itself is level 0; nest(n) puts objects down to level n - 1 inside it.
    const answer = await post(server, [{ name: 'deep.ok', data: nest(MAX_DEPTH) as object }, { name: 'deep.no', data: nest(MAX_DEPTH + 1) as object }]);
    assert.deepEqual(answer.body.rejected.map((r) => [r.index, r.reason]), [[1, 'too-deep']]);
    await server.tracker.flush();
    assert.equal(memory.events.length, 1);
    assert.doesNotMatch(JSON.stringify(memory.events[0]), /Truncated/);
  });

  test("catalog policy, the tracker's name rules and size limit reject per event; a processor dropping an event is not the client's error", async () => {
    const memory = new MemoryBackend();
    const catalog = new EventCatalog({ undefinedEvents: 'reject', invalidEvents: 'reject' });
    const tracker = createTracker({
      catalog,
      backends: { memory },
      maxEventSize: 2000,
      processors: [(event: TrackedEvent) => (event.name === 'order.sampled' ? null : event)],
      flushOnExit: false,
    });
    tracker.define('order.paid', { description: 'An order was paid', version: 1, schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } } });
    tracker.define('order.sampled', { description: 'Sampled away', version: 1, schema: { type: 'object' } });
    const server = await start(tracker);
    const answer = await post(server, {
      events: [
        { name: 'order.paid', data: { amount: 3 } },
        { name: 'order.paid', data: { amount: 'three' } },
        { name: 'order.unknown' },
        { name: 'order.paid', data: { amount: 1, pad: 'x'.repeat(3000) } },
        { name: 'bad\u0000name' },
        { name: 'order.sampled' },
      ],
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.accepted, 2);
    assert.deepEqual(answer.body.rejected.map((r) => [r.index, r.reason]), [[1, 'invalid-event'], [2, 'undefined-event'], [3, 'oversized'], [4, 'invalid-name']]);
    assert.ok(answer.body.rejected.every((r) => r.message.length > 0));
    await tracker.flush();
    assert.deepEqual(memory.events.map((e) => e.name), ['order.paid']);
  });

  test('a strict tracker throws what it would report: still a per-event rejection', async () => {
    const memory = new MemoryBackend();
    const server = await start(createTracker({ backends: { memory }, strict: true, flushOnExit: false }));
    const answer = await post(server, [{ name: 'ok' }, { name: 'x'.repeat(500) }]);
    assert.equal(answer.body.accepted, 1);
    assert.equal(answer.body.rejected[0]!.reason, 'invalid-name');
  });

  test('the client context is kept; the server-side ingest context wins over a client "ingest"', async () => {
    const memory = new MemoryBackend();
    const server = await start(createTracker({ backends: { memory }, flushOnExit: false }));
    await server.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'user-agent': 'ua/1', 'x-forwarded-for': '203.0.113.9' },
      payload: JSON.stringify([
        { name: 'ctx', context: { user_id: 3, ingest: { key: 'forged' } } },
        { name: 'flat', context: { user_id: 4, session: 's' } },
        { name: 'nested', context: { user: { id: 5, roles: ['a'] }, beta: true } },
      ]),
    });
    await server.tracker.flush();
    const ingest = { key: 'k', ip: '127.0.0.1', userAgent: 'ua/1' };
    // No trustProxy: the forwarded header is ignored.
    assert.deepEqual(memory.events.map((e) => e.context), [
      { user_id: 3, ingest },
      { user_id: 4, session: 's', ingest },
      { user: { id: 5, roles: ['a'] }, beta: true, ingest },
    ]);
  });
});

describe('backpressure and shutdown', () => {
  test("503 with Retry-After while a backend's queue is above the high-water mark, nothing dropped; accepted again once it drains", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const received: TrackedEvent[] = [];
    const slow = { send: async (events: readonly TrackedEvent[]) => { await gate; received.push(...events); } };
    const tracker = createTracker({ backends: { slow: { backend: slow, delivery: { batchSize: 5, maxInFlight: 1, flushIntervalMs: 1 } } }, flushOnExit: false });
    const server = await start(tracker, { queueHighWater: 10, retryAfterSeconds: 2 });
    const first = await post(server, Array.from({ length: 30 }, (_, i) => ({ name: 'bp', data: { i } })));
    assert.equal(first.status, 200);
    const refused = await post(server, [{ name: 'bp' }]);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error!.code, 'overloaded');
    assert.equal(refused.headers['retry-after'], '2');
    release();
    await tracker.flush();
    assert.equal((await post(server, [{ name: 'bp', data: { i: 30 } }])).status, 200);
    await tracker.flush();
    assert.equal(received.length, 31);
    assert.equal(tracker.stats().backends['slow']!.dropped, 0);
  });

  test('close lets a request in progress finish, flushes, then refuses; idempotent', async () => {
    const delivered: TrackedEvent[] = [];
    const tracker = createTracker({ backends: { sink: { backend: { send: async (events: readonly TrackedEvent[]) => void delivered.push(...events) }, delivery: { flushIntervalMs: 60_000 } } }, flushOnExit: false });
    const server = await createServer({ tracker, server: { port: 0, keys: [{ id: 'k', key: KEY, scopes: ['write'] }] } });
    const url = await server.listen(0);
    // A request whose headers arrived before close and whose body arrives after it began.
    const body = JSON.stringify([{ name: 'late' }]);
    const inFlight = new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': String(body.length) } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject);
      request.write(body.slice(0, 5));
      setTimeout(() => {
        closing = server.close();
        setTimeout(() => request.end(body.slice(5)), 50);
      }, 100);
    });
    let closing: Promise<void> | undefined;
    assert.equal(await inFlight, 200);
    await closing;
    await server.close();
    assert.deepEqual(delivered.map((e) => e.name), ['late']);
    await assert.rejects(fetch(`${url}/healthz`));
  });
});

describe('openapi', () => {
  test('generated from the route schemas: every route, its parameters, bodies, responses and scope', async () => {
    const server = await start(createTracker({ flushOnExit: false }));
    const response = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = response.json() as { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };
    assert.equal(doc.openapi, '3.1.0');
    const post = doc.paths['/v1/events']!['post']!;
    assert.ok((post['requestBody'] as { content: Record<string, unknown> }).content['application/x-ndjson']);
    assert.deepEqual(Object.keys(post['responses'] as object).sort(), ['200', '400', '401', '403', '413', '415', '429', '503']);
    const uniques = doc.paths['/v1/uniques/{slug}']!['get']!;
    assert.deepEqual((uniques['parameters'] as { name: string; in: string }[]).map((p) => `${p.in}:${p.name}`), ['path:slug', 'query:granularity', 'query:since', 'query:until', 'query:limit']);
    assert.equal(doc.paths['/healthz']!['get']!['security'], undefined);
    assert.deepEqual(doc.paths['/v1/rollups']!['get']!['security'], [{ bearer: ['read'] }]);
  });

  test('read routes without the store configured answer 404 not-configured', async () => {
    const server = await start(createTracker({ flushOnExit: false }));
    const response = await server.app.inject({ method: 'GET', url: '/v1/events', headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(response.statusCode, 404);
    assert.equal((response.json() as { error: { code: string } }).error.code, 'not-configured');
  });
});
