import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SegmentBackend } from '../../../src/backends/http/SegmentBackend.js';
import { type PartialDeliveryError, type ValidationError } from '../../../src/errors.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { DropNotice } from '../../../src/tracker/TrackerEvents.js';
import { type ApiServer, segmentServer } from './apiServers.js';

const KEY = 'write-key-1';
const fast = { retryBaseDelayMs: 5, retryMaxDelayMs: 20, flushIntervalMs: 20, sendTimeoutMs: 20_000 };

function trackerFor(server: ApiServer, options: Record<string, unknown> = {}, delivery: Record<string, number> = {}) {
  const backend = new SegmentBackend({ writeKey: KEY, url: server.url, ...options });
  const tracker = createTracker({ backends: { segment: { backend, delivery: { ...fast, ...delivery } } } });
  const drops: DropNotice[] = [];
  tracker.on('drop', (notice) => drops.push(notice));
  tracker.on('error', () => undefined);
  return { tracker, drops };
}

describe('SegmentBackend against a local /v1/batch', () => {
  let server: ApiServer;
  before(async () => {
    server = await segmentServer(KEY);
  });
  after(() => server.close());

  test('track calls arrive once, split under 500 KB; an event over 32 KB or without any user id is rejected before sending, with the reason', async () => {
    const { tracker, drops } = trackerFor(server, { anonymousId: 'context.anon' }, { batchSize: 700 });
    const blob = 'y'.repeat(2_000);
    tracker.enterContext('request', { user_id: 42, service: 'web' });
    for (let i = 0; i < 600; i++) tracker.emit('lesson.viewed', { i, blob });
    tracker.emit('huge', { blob: 'z'.repeat(40_000) });
    tracker.exitContext('request');
    tracker.enterContext('visitor', { anon: 'anon-7' });
    tracker.emit('anonymous.visit', { i: 600 });
    tracker.exitContext('visitor');
    tracker.emit('nobody', { i: 601 });
    await tracker.shutdown();
    assert.equal(server.events.size, 601);
    assert.equal(server.duplicates, 0);
    assert.ok(server.requests.length >= 3, `${server.requests.length} request(s)`);
    for (const r of server.requests) {
      assert.equal(r.status, 200);
      assert.ok(r.bytes <= 500_000, `a request of ${r.bytes} bytes`);
    }
    const message = [...server.events.values()].find((m) => (m['properties'] as Record<string, unknown>)['i'] === 3)!;
    assert.equal(message['type'], 'track');
    assert.equal(message['event'], 'lesson.viewed');
    assert.equal(message['userId'], '42');
    assert.match(message['messageId'] as string, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(message['timestamp'] as string)));
    assert.equal((message['context'] as Record<string, unknown>)['service'], 'web');
    const anonymous = [...server.events.values()].find((m) => m['event'] === 'anonymous.visit')!;
    assert.equal(anonymous['anonymousId'], 'anon-7');
    assert.equal(anonymous['userId'], undefined);
    const rejected = drops.filter((d) => d.reason === 'rejected');
    assert.deepEqual(rejected.flatMap((d) => d.events.map((e) => e.name)).sort(), ['huge', 'nobody']);
    const reasons = (rejected[0]!.cause as PartialDeliveryError).failures.map((f) => (f.error as ValidationError).reason).sort();
    assert.deepEqual(reasons, ['no-user', 'too-large']);
  });

  test('a 503 is retried and a wrong write key (401) is not; each event arrives once', async () => {
    server.events.clear();
    server.requests.length = 0;
    server.faults.push({ status: 503, retryAfter: '0' });
    const { tracker, drops } = trackerFor(server);
    tracker.enterContext('u', { user_id: 'u1' });
    for (let i = 0; i < 20; i++) tracker.emit('e', { i });
    assert.equal((await tracker.shutdown()).complete, true);
    assert.deepEqual(server.requests.map((r) => r.status), [-1, 200]);
    assert.equal(server.events.size, 20);
    assert.equal(drops.length, 0);

    server.requests.length = 0;
    const backend = new SegmentBackend({ writeKey: 'wrong', url: server.url });
    const other = createTracker({ backends: { segment: { backend, delivery: fast } } });
    const otherDrops: DropNotice[] = [];
    other.on('drop', (notice) => otherDrops.push(notice));
    other.on('error', () => undefined);
    other.enterContext('u', { user_id: 'u1' });
    other.emit('e', {});
    await other.shutdown();
    assert.equal(server.requests.length, 1);
    assert.deepEqual(otherDrops.map((d) => d.reason), ['rejected']);
    assert.match(String((otherDrops[0]!.cause as Error).message), /401.*Invalid write key/);
  });
});
