import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { wrapHttpHandler } from '../../../src/integrations/http.js';
import { assertContextsNeverMix, delayFor, httpApp, request, serveDuringSuite, SESSION_SECRET, trackerWithMemory, waitForEvents } from './harness.js';

const { tracker, memory } = trackerWithMemory();

async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url!, 'http://x');
  const item = /^\/items\/(\d+)$/.exec(url.pathname);
  if (item !== null) {
    const id = Number(item[1]);
    tracker.emit('item.start', { id });
    await sleep(delayFor(id));
    tracker.emit('item.end', { id });
    res.end('ok');
    return;
  }
  if (url.pathname === '/context') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(tracker.resolveContext()));
    return;
  }
  res.statusCode = 404;
  res.end('not found');
}

const server = createServer(
  wrapHttpHandler(tracker, handler, {
    userId: (req) => req.headers['x-user'] as string | undefined,
    sessionSecret: SESSION_SECRET,
    trustProxy: 'loopback',
    skip: ['/health', /^\/static\//],
    requestEvent: true,
  }),
);

describe('wrapHttpHandler over loopback', () => {
  const base = serveDuringSuite(tracker, memory, httpApp(server));

  it('keeps 200 concurrent requests with random delays apart', async () => {
    await assertContextsNeverMix(base(), tracker, memory);
  });

  it('records the forwarded client ip from a trusted proxy, the session hash and the request id', async () => {
    const reply = await request(base(), '/context?x=1', {
      headers: {
        'x-forwarded-for': '198.51.100.23',
        cookie: 'connect.sid=raw-session-value',
        'x-request-id': 'abc-123',
        'user-agent': 'integration-test',
        'accept-language': 'de',
        referer: 'http://127.0.0.1/prev',
      },
    });
    const context = JSON.parse(reply.body) as Record<string, unknown>;
    assert.equal(context['ip'], '198.51.100.23');
    assert.equal(context['session_hash'], createHmac('sha256', SESSION_SECRET).update('raw-session-value').digest('hex'));
    assert.ok(!reply.body.includes('raw-session-value'));
    assert.equal(context['request_id'], 'abc-123');
    assert.equal(context['user_agent'], 'integration-test');
    assert.equal(context['accept_language'], 'de');
    assert.equal(context['referer'], 'http://127.0.0.1/prev');
    assert.equal(context['host'], base().slice('http://'.length));
    assert.equal(context['path'], '/context');
  });

  it('generates a request id when the header is missing or unsafe', async () => {
    const first = JSON.parse((await request(base(), '/context')).body) as Record<string, unknown>;
    const second = JSON.parse((await request(base(), '/context', { headers: { 'x-request-id': '<bad id>' } })).body) as Record<string, unknown>;
    assert.match(String(first['request_id']), /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    assert.match(String(second['request_id']), /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    assert.notEqual(first['request_id'], second['request_id']);
  });

  it('leaves skipped paths without context and without a request event', async () => {
    const health = await request(base(), '/health');
    const asset = await request(base(), '/static/app.js');
    assert.equal(health.status, 404);
    assert.equal(asset.status, 404);
    await request(base(), '/nothing-here');
    await waitForEvents(tracker, memory, (events) => events.length >= 1);
    await sleep(20);
    await tracker.flush();
    assert.deepEqual(memory.named('http.request').map((e) => [e.data['path'], e.data['status']]), [['/nothing-here', 404]]);
  });
});
