import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { fastifyPlugin } from '../../../src/integrations/fastify.js';
import { ConfigurationError } from '../../../src/errors.js';
import {
  assertContextSurvivesSlowBody,
  assertContextsNeverMix,
  assertHealthSkipped,
  assertNotFoundWithoutRoute,
  delayFor,
  request,
  serveDuringSuite,
  SESSION_SECRET,
  trackerWithMemory,
  waitForEvents,
} from './harness.js';

const { tracker, memory } = trackerWithMemory();
const app = Fastify();

async function buildApp(): Promise<string> {
  await app.register(fastifyPlugin, {
    tracker,
    userId: (request) => request.headers['x-user'],
    sessionSecret: SESSION_SECRET,
    sessionCookie: 'sid',
    trustProxy: 1,
    skip: ['/health'],
    requestEvent: { headers: ['authorization'] },
  });
  // Registered in an encapsulated child context: the plugin must still cover it (skip-override).
  await app.register(async (child) => {
    child.get<{ Params: { id: string } }>('/items/:id', async (req) => {
      const id = Number(req.params.id);
      tracker.emit('item.start', { id });
      await sleep(delayFor(id));
      tracker.emit('item.end', { id });
      return 'ok';
    });
  });
  app.post('/echo', async (req) => {
    await sleep(1);
    tracker.emit('echo', { body: req.body as Record<string, unknown> });
    return tracker.resolveContext();
  });
  app.addHook('preHandler', async (req) => {
    if (req.url.startsWith('/hooked')) tracker.emit('pre.handler');
  });
  app.get('/hooked', async () => tracker.resolveContext());
  app.get('/context', async () => tracker.resolveContext());
  app.get('/health', async () => tracker.resolveContext());
  app.get('/boom', async () => {
    await sleep(2);
    tracker.emit('before.throw');
    throw new Error('handler failure');
  });
  app.setErrorHandler((error: Error, _req, reply) => {
    tracker.emit('error.seen', { message: error.message });
    void reply.status(500).send({ error: error.message });
  });
  return app.listen({ port: 0, host: '127.0.0.1' });
}

describe('fastifyPlugin with a real Fastify app', () => {
  const base = serveDuringSuite(tracker, memory, { start: buildApp, stop: () => app.close() });

  it('keeps 200 concurrent requests with random delays apart, also in encapsulated routes', async () => {
    await assertContextsNeverMix(base(), tracker, memory, { route: '/items/:id' });
  });

  it('keeps the context after the body was read (preValidation re-enters the scope)', async () => {
    await assertContextSurvivesSlowBody(base(), tracker, memory);
  });

  it('covers hooks registered after the plugin', async () => {
    await request(base(), '/hooked', { headers: { 'x-request-id': 'hook-1' } });
    await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'pre.handler'));
    assert.equal(memory.named('pre.handler')[0]!.context['request_id'], 'hook-1');
  });

  it('a throwing handler reaches the error handler in context, and the event records 500', async () => {
    const reply = await request(base(), '/boom', { headers: { 'x-request-id': 'boom-1', authorization: 'Bearer t0ken' } });
    assert.equal(reply.status, 500);
    assert.deepEqual(JSON.parse(reply.body), { error: 'handler failure' });
    await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'http.request'));
    assert.equal(memory.named('before.throw')[0]!.context['request_id'], 'boom-1');
    assert.equal(memory.named('error.seen')[0]!.context['request_id'], 'boom-1');
    const event = memory.named('http.request')[0]!;
    assert.equal(event.data['status'], 500);
    assert.equal(event.data['route'], '/boom');
    assert.deepEqual(event.data['headers'], { authorization: '[masked]' });
  });

  it('records a 404 without a route', async () => {
    await assertNotFoundWithoutRoute(base(), tracker, memory);
  });

  it('skips configured paths', async () => {
    await assertHealthSkipped(base(), tracker, memory);
  });

  it('trusts one proxy hop, hashes the session cookie, keeps the request id', async () => {
    const reply = await request(base(), '/context', {
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.8', cookie: 'sid=abc', 'x-request-id': 'rid-9', 'x-user': 'u9' },
    });
    const context = JSON.parse(reply.body) as Record<string, unknown>;
    assert.equal(context['ip'], '203.0.113.8');
    assert.equal(context['session_hash'], createHmac('sha256', SESSION_SECRET).update('abc').digest('hex'));
    assert.equal(context['request_id'], 'rid-9');
    assert.equal(context['user_id'], 'u9');
  });
});

describe('fastifyPlugin registration', () => {
  it('fails register with a ConfigurationError for a bad option', async () => {
    const bad = Fastify();
    try {
      await assert.rejects(
        async () => {
          await bad.register(fastifyPlugin, { tracker, trustProxy: 'nowhere' });
        },
        (error: unknown) => error instanceof ConfigurationError && error.option === 'trustProxy',
      );
    } finally {
      await bad.close();
    }
  });
});
