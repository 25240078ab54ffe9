import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { expressMiddleware } from '../../../src/integrations/express.js';
import {
  assertContextSurvivesSlowBody,
  assertContextsNeverMix,
  closeServer,
  delayFor,
  httpApp,
  listen,
  request,
  serveDuringSuite,
  SESSION_SECRET,
  trackerWithMemory,
  waitForEvents,
} from './harness.js';

const { tracker, memory } = trackerWithMemory();

const app = express();
app.set('env', 'test'); // Express's final handler stays quiet about the errors we provoke
app.use((req, _res, next) => {
  // The app's own authentication, before the middleware.
  const user = req.headers['x-user'];
  if (typeof user === 'string') Object.assign(req, { user: { id: user } });
  next();
});
app.use(
  expressMiddleware(tracker, {
    userId: (req) => req.user?.id,
    sessionSecret: SESSION_SECRET,
    trustProxy: ['127.0.0.1'],
    skip: ['/health'],
    requestEvent: { mask: ['secret'] },
  }),
);
app.use(express.json());

app.get('/items/:id', async (req, res) => {
  const id = Number(req.params['id']);
  tracker.emit('item.start', { id });
  await sleep(delayFor(id));
  tracker.emit('item.end', { id });
  res.send('ok');
});
app.post('/echo', (req, res) => {
  tracker.emit('echo', { body: req.body as Record<string, unknown> });
  res.json(tracker.resolveContext());
});
app.get('/context', (_req, res) => {
  res.json(tracker.resolveContext());
});
app.get('/health', (_req, res) => {
  tracker.emit('health');
  res.json(tracker.resolveContext());
});
app.get('/boom', () => {
  tracker.emit('before.throw');
  throw new Error('sync failure');
});
app.get('/boom-async', async () => {
  await sleep(2);
  tracker.emit('before.throw');
  throw new Error('async failure');
});
const api = express.Router();
api.get('/users/:id', (_req, res) => {
  res.send('user');
});
app.use('/api', api);
app.use((error: Error, _req: Request, _res: Response, next: NextFunction) => {
  tracker.emit('error.seen', { message: error.message });
  next(error); // on to Express's own final handler: 500
});

const server = createServer(app);

describe('expressMiddleware with a real Express app', () => {
  const base = serveDuringSuite(tracker, memory, httpApp(server));

  it('keeps 200 concurrent requests with random delays apart', async () => {
    await assertContextsNeverMix(base(), tracker, memory, { route: '/items/:id' });
  });

  it('keeps the context through body parsing', async () => {
    await assertContextSurvivesSlowBody(base(), tracker, memory);
  });

  for (const path of ['/boom', '/boom-async']) {
    it(`a throwing handler (${path}) reaches Express's error handling in context, and the event records 500`, async () => {
      const reply = await request(base(), path, { headers: { 'x-request-id': `err${path.replace('/', '-')}` } });
      assert.equal(reply.status, 500);
      await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'http.request'));
      const id = `err${path.replace('/', '-')}`;
      assert.equal(memory.named('before.throw')[0]!.context['request_id'], id);
      const seen = memory.named('error.seen')[0]!;
      assert.equal(seen.context['request_id'], id, 'the error middleware runs inside the request context');
      assert.match(String(seen.data['message']), /failure/);
      const event = memory.named('http.request')[0]!;
      assert.equal(event.data['status'], 500);
      assert.equal(event.data['route'], path);
      assert.equal(event.context['request_id'], id);
    });
  }

  it('records the mounted route pattern and masks configured query fields', async () => {
    await request(base(), '/api/users/9?secret=s3&page=1');
    await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'http.request'));
    const event = memory.named('http.request')[0]!;
    assert.equal(event.data['route'], '/api/users/:id');
    assert.equal(event.data['path'], '/api/users/9');
    assert.deepEqual(event.data['query'], { secret: '[masked]', page: '1' });
  });

  it('skips configured paths', async () => {
    const reply = await request(base(), '/health');
    assert.deepEqual(JSON.parse(reply.body), {});
    await waitForEvents(tracker, memory, (events) => events.some((e) => e.name === 'health'));
    await sleep(20);
    await tracker.flush();
    assert.equal(memory.named('http.request').length, 0);
    assert.deepEqual(memory.named('health')[0]!.context, {});
  });

  it('trusts X-Forwarded-For only from the configured proxy, hashes the session cookie, keeps the request id', async () => {
    const reply = await request(base(), '/context', {
      headers: { 'x-forwarded-for': '203.0.113.50', cookie: 'connect.sid=s%3Asess-1.sig', 'x-request-id': 'rid-7', 'x-user': '42' },
    });
    const context = JSON.parse(reply.body) as Record<string, unknown>;
    assert.equal(context['ip'], '203.0.113.50');
    assert.equal(context['session_hash'], createHmac('sha256', SESSION_SECRET).update('s:sess-1.sig').digest('hex'));
    assert.equal(context['request_id'], 'rid-7');
    assert.equal(context['user_id'], '42');
    assert.ok(!reply.body.includes('sess-1'));
  });
});

describe('expressMiddleware options', () => {
  it('a throwing userId callback is reported and the request proceeds', async () => {
    const { tracker: t, memory: m } = trackerWithMemory();
    const errors: unknown[] = [];
    const local = express();
    local.use(
      expressMiddleware(t, {
        userId: () => {
          throw new Error('auth lookup failed');
        },
        onError: (error) => errors.push(error),
      }),
    );
    local.get('/', (_req, res) => {
      t.emit('handled');
      res.send('fine');
    });
    const localServer = createServer(local);
    try {
      const localBase = await listen(localServer);
      const reply = await request(localBase, '/', { headers: { 'x-request-id': 'u-1' } });
      assert.equal(reply.status, 200);
      assert.equal(reply.body, 'fine');
      await waitForEvents(t, m, (events) => events.length === 1);
      assert.equal(m.events[0]!.context['request_id'], 'u-1');
      assert.ok(!('user_id' in m.events[0]!.context));
      assert.equal(errors.length, 1);
    } finally {
      await closeServer(localServer);
      await t.shutdown();
    }
  });
});
