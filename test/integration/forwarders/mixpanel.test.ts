import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MixpanelBackend } from '../../../src/backends/http/MixpanelBackend.js';
import { PartialDeliveryError } from '../../../src/errors.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { DropNotice } from '../../../src/tracker/TrackerEvents.js';
import { type ApiServer, mixpanelServer } from './apiServers.js';

const TOKEN = 'project-token-1';
const fast = { retryBaseDelayMs: 5, retryMaxDelayMs: 20, flushIntervalMs: 20, sendTimeoutMs: 20_000 };

function trackerFor(server: ApiServer, options: Record<string, unknown> = {}, delivery: Record<string, number> = {}) {
  const backend = new MixpanelBackend({ token: TOKEN, url: server.url, ...options });
  const tracker = createTracker({ backends: { mixpanel: { backend, delivery: { ...fast, ...delivery } } } });
  const drops: DropNotice[] = [];
  tracker.on('drop', (notice) => drops.push(notice));
  tracker.on('error', () => undefined);
  return { tracker, drops };
}

describe('MixpanelBackend against a local /import', () => {
  let server: ApiServer;
  before(async () => {
    server = await mixpanelServer({ token: TOKEN });
  });
  after(() => server.close());

  test('every event arrives once, gzipped, with $insert_id, time in ms, distinct_id and flattened properties; batches split at 2 000 events', async () => {
    server.events.clear();
    server.requests.length = 0;
    const { tracker } = trackerFor(server, {}, { batchSize: 4_500 });
    for (let i = 0; i < 4_500; i++) {
      tracker.enterContext('user', { user_id: i % 7 === 0 ? undefined : `u${i}` });
      tracker.emit('page.view', { n: i, nested: { a: { b: 1 } } });
      tracker.exitContext('user');
    }
    const report = await tracker.shutdown();
    assert.equal(report.complete, true);
    assert.equal(server.events.size, 4_500);
    assert.equal(server.duplicates, 0);
    assert.deepEqual(server.requests.map((r) => r.count), [2_000, 2_000, 500]);
    assert.ok(server.requests.every((r) => r.gzip && r.wireBytes < r.bytes));
    const one = [...server.events.values()].find((r) => (r['properties'] as Record<string, unknown>)['n'] === 8)!;
    const p = one['properties'] as Record<string, unknown>;
    assert.equal(one['event'], 'page.view');
    assert.equal(p['distinct_id'], 'u8');
    assert.equal(typeof p['time'], 'number');
    assert.ok(Math.abs((p['time'] as number) - Date.now()) < 60_000);
    assert.match(p['$insert_id'] as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(p['nested'], { a: { b: 1 } });
    const anonymous = [...server.events.values()].find((r) => (r['properties'] as Record<string, unknown>)['n'] === 7)!;
    assert.equal((anonymous['properties'] as Record<string, unknown>)['distinct_id'], '');
  });

  test('a batch over 10 MB is split by bytes; no request passes a limit', async () => {
    server.events.clear();
    server.requests.length = 0;
    const { tracker } = trackerFor(server, {}, { batchSize: 2_000 });
    const blob = 'x'.repeat(6_000);
    for (let i = 0; i < 2_000; i++) tracker.emit('big', { i, blob });
    assert.equal((await tracker.shutdown()).complete, true);
    assert.equal(server.events.size, 2_000);
    assert.ok(server.requests.length >= 2, `${server.requests.length} request(s)`);
    for (const r of server.requests) {
      assert.equal(r.status, 200);
      assert.ok(r.bytes <= 10_000_000 && r.count <= 2_000);
    }
  });

  test('strict mode: failed_records are dropped as rejected with Mixpanel\'s message, the rest delivered', async () => {
    server.events.clear();
    server.requests.length = 0;
    const { tracker, drops } = trackerFor(server, {}, { batchSize: 10 });
    const future = Date.now() + 3 * 3_600_000;
    for (let i = 0; i < 10; i++) tracker.emit('e', { i }, i % 4 === 1 ? { timestamp: future } : undefined);
    await tracker.shutdown();
    const rejected = drops.filter((d) => d.reason === 'rejected').flatMap((d) => d.events.map((e) => e.data['i']));
    assert.deepEqual(rejected.sort(), [1, 5, 9]);
    assert.equal(server.events.size, 7);
    assert.equal(server.requests.length, 1, 'rejected events are not retried');
    const cause = drops[0]!.cause as PartialDeliveryError;
    assert.ok(cause instanceof PartialDeliveryError);
    assert.equal(cause.failures.length, 3);
    for (const failure of cause.failures) assert.match(String((failure.error as Error).message), /properties\.time.*not more than 1 hour in the future/);
    assert.equal(tracker.stats().backends['mixpanel']!.sent, 7);
  });

  test('429 with Retry-After and 503 are retried, the first no sooner than Retry-After; nothing duplicated', async () => {
    server.events.clear();
    server.requests.length = 0;
    server.faults.push({ status: 429, retryAfter: '1' }, { status: 503 });
    const { tracker, drops } = trackerFor(server, {}, { batchSize: 50 });
    for (let i = 0; i < 50; i++) tracker.emit('e', { i });
    assert.equal((await tracker.shutdown()).complete, true);
    assert.deepEqual(server.requests.map((r) => r.status), [-1, -1, 200]);
    assert.ok(server.requests[1]!.at - server.requests[0]!.at >= 950, `retried after ${server.requests[1]!.at - server.requests[0]!.at} ms`);
    assert.equal(server.events.size, 50);
    assert.equal(drops.length, 0);
  });

  test('a wrong token (401) drops the batch as rejected without retrying', async () => {
    server.requests.length = 0;
    const backend = new MixpanelBackend({ token: 'wrong', url: server.url });
    const tracker = createTracker({ backends: { mixpanel: { backend, delivery: fast } } });
    const drops: DropNotice[] = [];
    tracker.on('drop', (notice) => drops.push(notice));
    tracker.on('error', () => undefined);
    for (let i = 0; i < 5; i++) tracker.emit('e', { i });
    await tracker.shutdown();
    assert.equal(server.requests.length, 1);
    assert.deepEqual(drops.map((d) => [d.reason, d.count]), [['rejected', 5]]);
    assert.match(String((drops[0]!.cause as Error).message), /401.*Invalid credentials/);
  });

  test('a service account authenticates with username:secret and project_id', async () => {
    const account = { username: 'sa.user', secret: 'sa-secret', projectId: '12345' };
    const other = await mixpanelServer({ serviceAccount: account });
    try {
      const backend = new MixpanelBackend({ serviceAccount: account, url: other.url, distinctId: 'data.who' });
      const tracker = createTracker({ backends: { mixpanel: { backend, delivery: fast } } });
      tracker.emit('signup', { who: 'ada' });
      assert.equal((await tracker.shutdown()).complete, true);
      assert.equal(other.events.size, 1);
      assert.equal(([...other.events.values()][0]!['properties'] as Record<string, unknown>)['distinct_id'], 'ada');
    } finally {
      await other.close();
    }
  });
});
