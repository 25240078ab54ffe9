import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { HttpBackend } from '../../../src/backends/http/HttpBackend.js';
import { verifySignature } from '../../../src/backends/http/signature.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { DropNotice } from '../../../src/tracker/TrackerEvents.js';
import { type ApiServer, webhookServer } from './apiServers.js';

const fast = { retryBaseDelayMs: 5, retryMaxDelayMs: 20, flushIntervalMs: 20, sendTimeoutMs: 20_000 };
const SECRET = 'whsec_test_1';

// An independent check of the signature: Python's hmac/hashlib over the body bytes as received.
const PYTHON = `
import hmac, hashlib, sys
secret, header = sys.argv[1], sys.argv[2]
body = sys.stdin.buffer.read()
parts = dict(p.split('=', 1) for p in header.split(','))
mac = hmac.new(secret.encode(), parts['t'].encode() + b'.' + body, hashlib.sha256).hexdigest()
print('ok' if hmac.compare_digest(mac, parts['v1']) else 'bad')
`;
const pythonVerify = (header: string, body: Buffer): string =>
  execFileSync('python3', ['-c', PYTHON, SECRET, header], { input: body }).toString().trim();

describe('HttpBackend against a local webhook', () => {
  let server: ApiServer & { bodies: Buffer[] };
  before(async () => {
    server = await webhookServer();
  });
  after(() => server.close());

  const reset = () => {
    server.events.clear();
    server.requests.length = 0;
    server.bodies.length = 0;
  };

  function trackerFor(options: Record<string, unknown>, delivery: Record<string, number> = {}) {
    const backend = new HttpBackend({ url: `${server.url}/hook`, ...options });
    const tracker = createTracker({ backends: { hook: { backend, delivery: { ...fast, ...delivery } } } });
    const drops: DropNotice[] = [];
    tracker.on('drop', (notice) => drops.push(notice));
    tracker.on('error', () => undefined);
    return { tracker, drops };
  }

  test('a signed JSON array: the signature checks out in Python and with verifySignature; custom headers sent', async () => {
    reset();
    const { tracker } = trackerFor({ signingSecret: SECRET, headers: { authorization: 'Bearer abc' } });
    tracker.enterContext('request', { user_id: 'u1' });
    for (let i = 0; i < 30; i++) tracker.emit('order.placed', { i, note: 'ünïcödé ✓' });
    assert.equal((await tracker.shutdown()).complete, true);
    assert.equal(server.events.size, 30);
    assert.equal(server.requests[0]!.headers['authorization'], 'Bearer abc');
    assert.equal(server.requests[0]!.headers['content-type'], 'application/json');
    const header = server.requests[0]!.headers['x-eventtrack-signature'] as string;
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.equal(pythonVerify(header, server.bodies[0]!), 'ok');
    assert.equal(pythonVerify(header, Buffer.concat([server.bodies[0]!, Buffer.from(' ')])), 'bad');
    assert.equal(verifySignature(SECRET, header, server.bodies[0]!), true);
    const event = [...server.events.values()].find((e) => (e['data'] as Record<string, unknown>)['i'] === 0)!;
    assert.deepEqual(Object.keys(event), ['id', 'name', 'timestamp', 'context', 'data']);
    assert.deepEqual(event['context'], { user_id: 'u1' });
  });

  test('gzipped NDJSON, split at maxEventsPerRequest and maxRequestBytes', async () => {
    reset();
    const { tracker } = trackerFor({ format: 'ndjson', gzip: true, maxEventsPerRequest: 40, maxRequestBytes: 4_000, signingSecret: SECRET }, { batchSize: 200 });
    for (let i = 0; i < 200; i++) tracker.emit('e', { i, pad: 'p'.repeat(i % 3 === 0 ? 200 : 10) });
    assert.equal((await tracker.shutdown()).complete, true);
    assert.equal(server.events.size, 200);
    assert.ok(server.requests.length >= 5);
    for (const r of server.requests) {
      assert.ok(r.gzip && r.count <= 40 && r.bytes <= 4_000);
      assert.equal(r.headers['content-type'], 'application/x-ndjson');
    }
    // Signed over the decoded body.
    assert.equal(pythonVerify(server.requests[0]!.headers['x-eventtrack-signature'] as string, server.bodies[0]!), 'ok');
  });

  test('5xx and 429 (with Retry-After) are retried, other 4xx are not', async () => {
    reset();
    server.faults.push({ status: 500 }, { status: 429, retryAfter: '1' });
    const { tracker, drops } = trackerFor({});
    for (let i = 0; i < 10; i++) tracker.emit('e', { i });
    assert.equal((await tracker.shutdown()).complete, true);
    assert.deepEqual(server.requests.map((r) => r.status), [-1, -1, 200]);
    assert.ok(server.requests[2]!.at - server.requests[1]!.at >= 950);
    assert.equal(server.events.size, 10);
    assert.equal(drops.length, 0);

    reset();
    server.faults.push({ status: 422, body: '{"error":"unprocessable"}' });
    const second = trackerFor({});
    for (let i = 0; i < 10; i++) second.tracker.emit('e', { i });
    await second.tracker.shutdown();
    assert.equal(server.requests.length, 1);
    assert.deepEqual(second.drops.map((d) => [d.reason, d.count]), [['rejected', 10]]);
    assert.match(String((second.drops[0]!.cause as Error).message), /422.*unprocessable/);
  });

  test('a network failure (nothing listening) is retried, then dropped as retries-exhausted', async () => {
    const closed = await webhookServer();
    const url = closed.url;
    await closed.close();
    const backend = new HttpBackend({ url });
    const tracker = createTracker({ backends: { hook: { backend, delivery: { ...fast, maxRetries: 2 } } } });
    const drops: DropNotice[] = [];
    tracker.on('drop', (notice) => drops.push(notice));
    tracker.on('error', () => undefined);
    tracker.emit('e', {});
    await tracker.shutdown();
    assert.deepEqual(drops.map((d) => d.reason), ['retries-exhausted']);
    assert.equal(tracker.stats().backends['hook']!.retried, 2);
  });
});
