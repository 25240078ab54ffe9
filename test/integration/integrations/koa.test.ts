import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Router from '@koa/router';
import Koa from 'koa';
import { koaMiddleware } from '../../../src/integrations/koa.js';
import {
  assertContextsNeverMix,
  assertHealthSkipped,
  assertNotFoundWithoutRoute,
  delayFor,
  httpApp,
  request,
  serveDuringSuite,
  SESSION_SECRET,
  trackerWithMemory,
  waitForEvents,
} from './harness.js';

const { tracker, memory } = trackerWithMemory();
const appErrors: { message: string; requestId: unknown }[] = [];

const app = new Koa();
app.on('error', (error: Error, ctx: Koa.Context) => {
  // Koa's own error reporting: the failure reached it unchanged.
  appErrors.push({ message: error.message, requestId: ctx.get('x-request-id') });
});
app.use(async (ctx, next) => {
  // An app's own middleware before ours, e.g. authentication.
  ctx.state['user'] = { id: ctx.get('x-user') || undefined };
  await next();
});
app.use(
  koaMiddleware(tracker, {
    userId: (ctx) => ctx.state.user?.id,
    sessionSecret: SESSION_SECRET,
    sessionCookie: 'koa.sid',
    trustProxy: 'loopback',
    proxyHeader: 'forwarded',
    skip: [(ctx) => ctx.path === '/health'],
    requestEvent: true,
  }),
);

const router = new Router();
router.get('/items/:id', async (ctx) => {
  const id = Number(ctx.params['id']);
  tracker.emit('item.start', { id });
  await sleep(delayFor(id));
  tracker.emit('item.end', { id });
  ctx.body = 'ok';
});
router.get('/context', (ctx) => {
  ctx.body = tracker.resolveContext();
});
router.get('/health', (ctx) => {
  ctx.body = tracker.resolveContext();
});
router.get('/boom', async () => {
  await sleep(2);
  tracker.emit('before.throw');
  throw new Error('koa handler failure');
});
app.use(router.routes());

const server = createServer(app.callback());

describe('koaMiddleware with a real Koa app', () => {
  const base = serveDuringSuite(tracker, memory, httpApp(server));

  it('keeps 200 concurrent requests with random delays apart', async () => {
    await assertContextsNeverMix(base(), tracker, memory, { route: '/items/:id' });
  });

  it('a throwing handler reaches Koa error handling unchanged, and the event records 500', async () => {
    const reply = await request(base(), '/boom', { headers: { 'x-request-id': 'koa-boom' } });
    assert.equal(reply.status, 500);
    await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'http.request'));
    assert.equal(memory.named('before.throw')[0]!.context['request_id'], 'koa-boom');
    assert.deepEqual(appErrors, [{ message: 'koa handler failure', requestId: 'koa-boom' }]);
    const event = memory.named('http.request')[0]!;
    assert.equal(event.data['status'], 500);
    assert.equal(event.data['route'], '/boom');
    assert.equal(event.context['request_id'], 'koa-boom');
  });

  it('records unmatched requests as 404 without a route', async () => {
    await assertNotFoundWithoutRoute(base(), tracker, memory);
  });

  it('skips by predicate', async () => {
    await assertHealthSkipped(base(), tracker, memory);
  });

  it('reads the client from the Forwarded header of a trusted proxy, hashes the session, keeps the request id', async () => {
    const reply = await request(base(), '/context', {
      headers: {
        forwarded: 'for=192.0.2.60;proto=http',
        'x-forwarded-for': '6.6.6.6', // not the configured header: ignored
        cookie: 'koa.sid=k-session',
        'x-request-id': 'koa-rid',
        'x-user': 'koa-user',
      },
    });
    const context = JSON.parse(reply.body) as Record<string, unknown>;
    assert.equal(context['ip'], '192.0.2.60');
    assert.equal(context['session_hash'], createHmac('sha256', SESSION_SECRET).update('k-session').digest('hex'));
    assert.equal(context['request_id'], 'koa-rid');
    assert.equal(context['user_id'], 'koa-user');
  });
});
