// The service over loopback against real Redis and FerretDB: every status
// code, partial batches, idempotent retries, gzip and NDJSON, hostile bodies,
// rate limits and totals across two instances sharing one Redis and one
// FerretDB, and the read API.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MongoClient } from 'mongodb';
import { hashKey } from '../../../src/server/auth.js';
import { createServer, type EventTrackServer, type ServiceConfig } from '../../../src/server/createServer.js';
import { mongodbUrl, redisUrl, skipUnless, uniqueDbName, uniquePrefix } from '../../support/env.js';

const WRITE_KEY = 'write-key-0123456789';
const READ_KEY = 'read-key-0123456789';
const LIMITED_KEY = 'limited-key-0123456789';

function config(db: string, prefix: string): ServiceConfig {
  return {
    tracker: {
      flushOnExit: false,
      maxEventSize: 16 * 1024,
      backends: {
        mongo: { type: 'mongodb', options: { url: { env: 'MONGODB_URL' } as never, db }, delivery: { flushIntervalMs: 10, batchSize: 200 } },
        counters: { type: 'counters', options: {}, delivery: { flushIntervalMs: 10 } },
      },
    },
    metrics: { store: { type: 'redis', options: { url: { env: 'REDIS_URL' } as never, prefix } }, flushIntervalMs: 10 },
    mongo: { url: { env: 'MONGODB_URL' } as never, db },
    server: {
      port: 0,
      keys: [
        { id: 'writer', sha256: hashKey(WRITE_KEY), scopes: ['write'] },
        { id: 'reader', key: READ_KEY, scopes: ['read'] },
        { id: 'limited', key: LIMITED_KEY, scopes: ['write', 'read'], rateLimit: { perSecond: 0.01, burst: 3 } },
      ],
      limits: { bodyBytes: 64 * 1024, eventsPerRequest: 50, rateLimit: { perSecond: 1000, burst: 1000 } },
    },
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(base: string, path: string, init: { method?: string; key?: string; type?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== undefined) headers['authorization'] = `Bearer ${init.key}`;
  if (init.type !== undefined) headers['content-type'] = init.type;
  const response = await fetch(`${base}${path}`, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}

const post = (base: string, body: unknown, key = WRITE_KEY, type = 'application/json') =>
  call(base, '/v1/events', { key, type, body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });

describe('the service on Redis and FerretDB', { skip: skipUnless('redis') || skipUnless('mongodb') }, () => {
  const db = uniqueDbName('service');
  const prefix = `${uniquePrefix('svc')}:`;
  let one: EventTrackServer;
  let two: EventTrackServer;
  let a: string;
  let b: string;
  let client: MongoClient;
  const stored = async (name: string) => client.db(db).collection('events').countDocuments({ name });
  const settle = async () => {
    await Promise.all([one.tracker.flush(), two.tracker.flush()]);
    await Promise.all([one.metrics!.flush(), two.metrics!.flush()]);
  };

  before(async () => {
    assert.ok(redisUrl !== undefined && mongodbUrl !== undefined);
    one = await createServer(config(db, prefix));
    two = await createServer(config(db, prefix));
    a = await one.listen(0);
    b = await two.listen(0);
    client = new MongoClient(mongodbUrl, { serverSelectionTimeoutMS: 5000 });
  });
  after(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await client?.db(db).dropDatabase().catch(() => undefined);
    await client?.close();
  });

  test('401 without a key or with an unknown one, 403 with the wrong scope; JSON errors with stable codes', async () => {
    const none = await post(a, [{ name: 'x' }], '');
    assert.equal(none.status, 401);
    assert.deepEqual((none.body['error'] as { code: string }).code, 'invalid-key');
    const missing = await call(a, '/v1/events', { type: 'application/json', body: '[]' });
    assert.equal(missing.status, 401);
    assert.equal((missing.body['error'] as { code: string }).code, 'missing-key');
    const unknown = await post(a, [{ name: 'x' }], 'not-a-known-key-0000');
    assert.equal(unknown.status, 401);
    assert.equal((unknown.body['error'] as { code: string }).code, 'invalid-key');
    const wrongScope = await post(a, [{ name: 'x' }], READ_KEY);
    assert.equal(wrongScope.status, 403);
    assert.equal((wrongScope.body['error'] as { code: string }).code, 'forbidden');
    const readWithWriteKey = await call(a, '/v1/metrics', { key: WRITE_KEY });
    assert.equal(readWithWriteKey.status, 403);
  });

  test('a partial batch: valid events stored with context.ingest, the others listed by index; none valid → 400', async () => {
    const batch = {
      events: [
        { name: 'partial.ok', data: { n: 1 }, context: { user_id: 7 } },
        { name: '' },
        { name: 'partial.ok', data: 'not an object' },
        { name: 'partial.ok', timestamp: '1970-06-01T00:00:00Z' },
        { name: 'partial.ok', timestamp: new Date(Date.now() + 2 * 3_600_000).toISOString() },
        { name: 'partial.ok', id: 'nope' },
        { name: 'partial.ok', extra: true },
        { name: 'partial.ok', data: { n: 2 }, timestamp: '2024-05-01T10:00:00Z' },
        42,
      ],
    };
    const answer = await call(a, '/v1/events', { key: WRITE_KEY, type: 'application/json', body: JSON.stringify(batch), headers: { 'user-agent': 'service-test/1' } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body['accepted'], 2);
    const rejected = answer.body['rejected'] as { index: number; reason: string }[];
    assert.deepEqual(rejected.map((r) => [r.index, r.reason]), [[1, 'invalid-name'], [2, 'invalid-data'], [3, 'invalid-timestamp'], [4, 'invalid-timestamp'], [5, 'invalid-id'], [6, 'invalid-shape'], [8, 'invalid-shape']]);
    await settle();
    const docs = await client.db(db).collection('events').find({ name: 'partial.ok' }).sort({ timestamp: 1 }).toArray();
    assert.equal(docs.length, 2);
    assert.equal((docs[0]!['timestamp'] as Date).toISOString(), '2024-05-01T10:00:00.000Z');
    assert.deepEqual(docs[1]!['context'], { user_id: 7, ingest: { key: 'writer', ip: '127.0.0.1', userAgent: 'service-test/1' } });

    const none = await post(a, [{ name: '' }, { nope: 1 }]);
    assert.equal(none.status, 400);
    assert.equal(none.body['accepted'], 0);
    assert.equal((none.body['rejected'] as unknown[]).length, 2);
  });

  test('a retried batch with client ids is stored and counted once', async () => {
    const events = Array.from({ length: 20 }, (_, i) => ({ name: 'retry.ok', id: randomUUID(), data: { i } }));
    assert.equal((await post(a, { events })).status, 200);
    assert.equal((await post(a, { events })).status, 200);
    await settle();
    assert.equal(await stored('retry.ok'), 20);
    const ids = (await client.db(db).collection('events').find({ name: 'retry.ok' }).toArray()).map((d) => d['_id']).sort();
    assert.deepEqual(ids, events.map((e) => e.id).sort());
    // Counted once by the instance that saw both (its counter backend remembers recent ids).
    const history = await call(a, '/v1/metrics/history?slugs=retry.ok&granularity=day', { key: READ_KEY });
    assert.equal(history.status, 200);
    assert.equal((history.body['series'] as { total: number }[])[0]!.total, 20);
  });

  test('NDJSON (a bad line rejected alone) and gzip', async () => {
    const lines = [JSON.stringify({ name: 'nd.ok', data: { i: 0 } }), '', '{"name": "nd.ok", broken', JSON.stringify({ name: 'nd.ok', data: { i: 2 } })].join('\n');
    const nd = await post(a, lines, WRITE_KEY, 'application/x-ndjson');
    assert.equal(nd.status, 200);
    assert.equal(nd.body['accepted'], 2);
    assert.deepEqual((nd.body['rejected'] as { index: number; reason: string }[]).map((r) => [r.index, r.reason]), [[1, 'invalid-json']]);

    const zipped = gzipSync(Buffer.from(JSON.stringify({ events: [{ name: 'gz.ok' }, { name: 'gz.ok' }] })));
    const gz = await call(a, '/v1/events', { key: WRITE_KEY, type: 'application/json', body: zipped, headers: { 'content-encoding': 'gzip' } });
    assert.equal(gz.status, 200);
    assert.equal(gz.body['accepted'], 2);
    const ndgz = await call(a, '/v1/events', { key: WRITE_KEY, type: 'application/x-ndjson; charset=utf-8', body: gzipSync(lines), headers: { 'content-encoding': 'gzip' } });
    assert.equal(ndgz.body['accepted'], 2);
    await settle();
    assert.equal(await stored('nd.ok'), 4);
    assert.equal(await stored('gz.ok'), 2);
  });

  test('413 over the body limit (also after gunzip) or the event count, 415 other content types and encodings, 400 broken bodies', async () => {
    const big = await post(a, JSON.stringify([{ name: 'big', data: { s: 'x'.repeat(70 * 1024) } }]));
    assert.equal(big.status, 413);
    assert.equal((big.body['error'] as { code: string }).code, 'body-too-large');
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    const bombed = await call(a, '/v1/events', { key: WRITE_KEY, type: 'application/json', body: bomb, headers: { 'content-encoding': 'gzip' } });
    assert.equal(bombed.status, 413);
    const many = await post(a, Array.from({ length: 51 }, () => ({ name: 'many' })));
    assert.equal(many.status, 413);
    assert.equal((many.body['error'] as { code: string }).code, 'too-many-events');
    const text = await post(a, 'name=x', WRITE_KEY, 'text/plain');
    assert.equal(text.status, 415);
    assert.equal((text.body['error'] as { code: string }).code, 'unsupported-media-type');
    const form = await post(a, 'name=x', WRITE_KEY, 'application/x-www-form-urlencoded');
    assert.equal(form.status, 415);
    const br = await call(a, '/v1/events', { key: WRITE_KEY, type: 'application/json', body: '[]', headers: { 'content-encoding': 'br' } });
    assert.equal(br.status, 415);
    assert.equal((br.body['error'] as { code: string }).code, 'unsupported-encoding');
    const broken = await post(a, '{"events": [');
    assert.equal(broken.status, 400);
    assert.equal((broken.body['error'] as { code: string }).code, 'invalid-json');
    const wrongShape = await post(a, '{"name": "x"}');
    assert.equal((wrongShape.body['error'] as { code: string }).code, 'invalid-body');
    const empty = await post(a, '[]');
    assert.equal((empty.body['error'] as { code: string }).code, 'no-events');
    const notGzip = await call(a, '/v1/events', { key: WRITE_KEY, type: 'application/json', body: '[{"name":"x"}]', headers: { 'content-encoding': 'gzip' } });
    assert.equal(notGzip.status, 400);
  });

  test('hostile bodies: deep nesting, huge strings, prototype keys and invalid UTF-8 refused with reasons; the valid events kept', async () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const deepArray = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const body = `[{"name":"hostile.ok"},{"name":"hostile.deep","data":${JSON.stringify(deep)}},{"name":"hostile.huge","data":{"s":"${'y'.repeat(20 * 1024)}"}},` +
      `{"name":"hostile.proto","data":{"__proto__":{"admin":true}}},{"name":"hostile.ctx","context":{"a":{"__proto__":{"x":1}}}},{"name":"hostile.arr","data":{"a":${deepArray}}},{"name":"hostile.ok"}]`;
    const answer = await post(a, body);
    assert.equal(answer.status, 200);
    assert.equal(answer.body['accepted'], 2);
    assert.deepEqual((answer.body['rejected'] as { index: number; reason: string }[]).map((r) => [r.index, r.reason]), [[1, 'too-deep'], [2, 'oversized'], [3, 'forbidden-key'], [4, 'forbidden-key'], [5, 'too-deep']]);
    assert.equal(({} as Record<string, unknown>)['admin'], undefined);

    const invalidUtf8 = Buffer.concat([Buffer.from('[{"name":"bad.utf8","data":{"s":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}]')]);
    const refused = await post(a, invalidUtf8);
    assert.equal(refused.status, 400);
    assert.equal((refused.body['error'] as { code: string }).code, 'invalid-utf8');
    const ndjson = Buffer.concat([Buffer.from('{"name":"utf8.ok"}\n{"name":"utf8.bad","data":{"s":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}\n{"name":"utf8.ok","data":{"s":"héllo ✓"}}\n')]);
    const lines = await post(a, ndjson, WRITE_KEY, 'application/x-ndjson');
    assert.equal(lines.body['accepted'], 2);
    assert.deepEqual((lines.body['rejected'] as { index: number; reason: string }[]).map((r) => [r.index, r.reason]), [[1, 'invalid-utf8']]);
    await settle();
    assert.equal(await stored('hostile.ok'), 2);
    assert.equal(await stored('utf8.ok'), 2);
    const kept = await client.db(db).collection('events').findOne({ name: 'utf8.ok', 'data.s': 'héllo ✓' });
    assert.ok(kept !== null);
  });

  test('rate limits are shared by instances through Redis: 429 with Retry-After once the burst is spent on either', async () => {
    const answers = [];
    for (const base of [a, b, a, b]) answers.push(await post(base, [{ name: 'limited.ok' }], LIMITED_KEY));
    assert.deepEqual(answers.map((x) => x.status), [200, 200, 200, 429]);
    const refused = answers[3]!;
    assert.equal((refused.body['error'] as { code: string }).code, 'rate-limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    // Reads count against the same bucket.
    assert.equal((await call(b, '/v1/metrics', { key: LIMITED_KEY })).status, 429);
  });

  test('two instances, one Redis and one FerretDB: totals and stored events exact', async () => {
    const per = 30;
    const requests = [];
    for (let i = 0; i < 10; i++) {
      const base = i % 2 === 0 ? a : b;
      requests.push(post(base, Array.from({ length: per }, (_, j) => ({ name: 'scale.out', data: { i, j } }))));
    }
    const answers = await Promise.all(requests);
    assert.ok(answers.every((x) => x.status === 200 && x.body['accepted'] === per));
    await settle();
    assert.equal(await stored('scale.out'), 10 * per);
    for (const base of [a, b]) {
      const history = await call(base, '/v1/metrics/history?slugs=scale.out&granularity=day&limit=1', { key: READ_KEY });
      assert.equal((history.body['series'] as { total: number }[])[0]!.total, 10 * per);
    }
  });

  test('read API: events with cursor paging, where checks, rollups, metrics, gauges, uniques', async () => {
    const events = Array.from({ length: 5 }, (_, i) => ({ name: 'read.page', data: { i }, timestamp: `2024-06-0${i + 1}T12:00:00Z`, context: { user_id: i % 2 } }));
    assert.equal((await post(a, events)).status, 200);
    await settle();
    const first = await call(a, '/v1/events?name=read.page&limit=2', { key: READ_KEY });
    assert.equal(first.status, 200);
    assert.deepEqual((first.body['events'] as { data: { i: number } }[]).map((e) => e.data.i), [0, 1]);
    assert.equal(typeof first.body['next'], 'string');
    const second = await call(a, `/v1/events?name=read.page&limit=2&after=${encodeURIComponent(first.body['next'] as string)}`, { key: READ_KEY });
    assert.deepEqual((second.body['events'] as { data: { i: number } }[]).map((e) => e.data.i), [2, 3]);
    const last = await call(a, `/v1/events?name=read.page&limit=2&after=${encodeURIComponent(second.body['next'] as string)}`, { key: READ_KEY });
    assert.equal((last.body['events'] as unknown[]).length, 1);
    assert.equal(last.body['next'], null);
    const filtered = await call(a, `/v1/events?name=read.page&where=${encodeURIComponent('{"context.user_id":1}')}`, { key: READ_KEY });
    assert.equal((filtered.body['events'] as unknown[]).length, 2);
    const event = (first.body['events'] as { timestamp: string; context: { ingest: { key: string } } }[])[0]!;
    assert.equal(event.timestamp, '2024-06-01T12:00:00.000Z');
    assert.equal(event.context.ingest.key, 'writer');

    for (const where of ['{"context.$gt":1}', '{"$where":"1"}', '{"data.x":{"$gt":""}}', 'not json']) {
      const refused = await call(a, `/v1/events?where=${encodeURIComponent(where)}`, { key: READ_KEY });
      assert.equal(refused.status, 400, where);
      assert.equal((refused.body['error'] as { code: string }).code, 'invalid-query');
    }
    assert.equal((await call(a, '/v1/events?limit=-1', { key: READ_KEY })).status, 400);
    assert.equal((await call(a, '/v1/events?after=garbage', { key: READ_KEY })).status, 400);
    assert.equal((await call(a, '/v1/events?since=yesterday', { key: READ_KEY })).status, 400);

    const rollups = await call(a, '/v1/rollups?granularity=month&name=read.page&groupBy=context.user_id', { key: READ_KEY });
    assert.equal(rollups.status, 200);
    assert.deepEqual((rollups.body['rows'] as { label: string; key: number; count: number }[]).map((r) => [r.label, r.key, r.count]), [['2024-06', 0, 3], ['2024-06', 1, 2]]);
    assert.equal((await call(a, '/v1/rollups?granularity=fortnight', { key: READ_KEY })).status, 400);
    assert.equal((await call(a, '/v1/rollups?granularity=day&groupBy=data.$x', { key: READ_KEY })).status, 400);

    const history = await call(a, '/v1/metrics/history?slugs=read.page&granularity=month&since=2024-06-01T00:00:00Z&until=2024-06-30T00:00:00Z', { key: READ_KEY });
    assert.equal(history.status, 200);
    assert.deepEqual(history.body['series'], [{ slug: 'read.page', values: [5], total: 5 }]);
    assert.equal((history.body['buckets'] as { label: string }[])[0]!.label, '2024-06');
    const columns = await call(a, '/v1/metrics/history?slugs=read.page&granularity=month&since=2024-06-01T00:00:00Z&until=2024-06-30T00:00:00Z&format=columns', { key: READ_KEY });
    assert.deepEqual(columns.body['columns'], [['Period', 'read.page'], ['2024-06', 5]]);
    const aggregate = await call(a, '/v1/metrics/history?slugs=read.page,scale.out&granularity=year&since=2024-01-01T00:00:00Z&until=2024-12-31T00:00:00Z&format=aggregate', { key: READ_KEY });
    assert.equal(aggregate.body['total'], 5);
    assert.equal((await call(a, '/v1/metrics/history?slugs=x&granularity=fortnight', { key: READ_KEY })).status, 400);
    assert.equal((await call(a, '/v1/metrics/history', { key: READ_KEY })).status, 400);

    const listing = await call(a, '/v1/metrics', { key: READ_KEY });
    assert.ok((listing.body['slugs'] as string[]).includes('read.page'));
    one.metrics!.gauge('queue.depth', 12);
    one.metrics!.unique('visitors', 'u1');
    one.metrics!.unique('visitors', 'u2');
    one.metrics!.unique('visitors', 'u1');
    await one.metrics!.flush();
    const gauges = await call(a, '/v1/gauges', { key: READ_KEY });
    assert.deepEqual(gauges.body['gauges'], [{ slug: 'queue.depth', value: 12 }]);
    const uniques = await call(b, '/v1/uniques/visitors?granularity=day&limit=1', { key: READ_KEY });
    assert.deepEqual(uniques.body, { slug: 'visitors', count: 2 });
  });

  test('read API: timings per bucket and over a range, exactly as the SDK answers; null where a bucket is empty', async () => {
    const day = Date.UTC(2024, 5, 3);
    // 1..100 ms on day one, nothing on day two: the service must answer what getTimingHistory/getTimingSummary do.
    for (let ms = 1; ms <= 100; ms++) one.metrics!.timing('checkout', ms, { timestamp: day + ms * 1000 });
    await one.metrics!.flush();
    assert.deepEqual((await call(a, '/v1/timings', { key: READ_KEY })).body, { slugs: ['checkout'] });
    const since = new Date(day).toISOString();
    const until = new Date(day + 86_400_000).toISOString();
    const history = await call(b, `/v1/timings/history?slugs=checkout&granularity=day&since=${since}&until=${until}&percentiles=50,99`, { key: READ_KEY });
    assert.equal(history.status, 200);
    const expected = await one.metrics!.getTimingHistory(['checkout'], { granularity: 'day', since: new Date(day), until: new Date(day + 86_400_000), percentiles: [50, 99] });
    const series = (history.body['series'] as Record<string, unknown>[])[0]!;
    assert.deepEqual(series['count'], [100, 0]);
    assert.deepEqual(series['sum'], [5050, 0]);
    assert.deepEqual(series['min'], [1, null]);
    assert.deepEqual(series['percentiles'], { '50': [expected.series[0]!.percentiles['50']![0], null], '99': [expected.series[0]!.percentiles['99']![0], null] });
    assert.ok(Math.abs((series['percentiles'] as Record<string, number[]>)['99']![0]! - 99) <= 99 * 0.01 + 1e-9);
    const summary = await call(a, `/v1/timings/checkout/summary?since=${since}&until=${until}&percentiles=95`, { key: READ_KEY });
    assert.equal(summary.status, 200);
    assert.equal(summary.body['count'], 100);
    assert.equal(summary.body['max'], 100);
    const sdk = await one.metrics!.getTimingSummary('checkout', { since: new Date(day), until: new Date(day + 86_400_000), percentiles: [95] });
    assert.deepEqual(summary.body['percentiles'], { '95': sdk.percentiles['95'] });
    assert.equal((await call(a, '/v1/timings/checkout/summary?since=x', { key: READ_KEY })).status, 400);
    assert.equal((await call(a, `/v1/timings/history?slugs=checkout&percentiles=150`, { key: READ_KEY })).status, 400);
    assert.equal((await call(a, `/v1/timings/history?slugs=checkout`, { key: 'nope' })).status, 401);
  });

  test('/healthz, /readyz, /openapi.json, /metrics and unknown routes', async () => {
    assert.deepEqual((await call(a, '/healthz')).body, { status: 'ok' });
    const ready = await call(a, '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ok', checks: { redis: 'ok', mongo: 'ok' } });
    const doc = (await call(a, '/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { security?: unknown; parameters: { name: string }[] }>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const path of ['/v1/events', '/v1/metrics', '/v1/metrics/history', '/v1/gauges', '/v1/uniques/{slug}', '/v1/timings', '/v1/timings/history', '/v1/timings/{slug}/summary', '/v1/rollups', '/healthz', '/readyz']) assert.ok(doc.paths[path], path);
    assert.deepEqual(doc.paths['/v1/events']!['post']!.security, [{ bearer: ['write'] }]);
    assert.ok(doc.paths['/v1/metrics/history']!['get']!.parameters.some((p) => p.name === 'slugs'));
    const text = (await call(a, '/metrics')).body['text'] as string;
    assert.match((await call(b, '/metrics')).body['text'] as string, /eventtrack_service_requests_refused_total\{code="rate-limited"\} 2/);
    assert.match(text, /eventtrack_service_events_accepted_total\{key="writer"\} \d+/);
    assert.match(text, /eventtrack_service_events_rejected_total\{key="writer",reason="invalid-name"\} \d+/);
    assert.match(text, /eventtrack_service_requests_refused_total\{code="forbidden"\} 2/);
    assert.match(text, /eventtrack_tracker_queued_events\{backend="mongo"\} 0/);
    const missing = await call(a, '/v2/nothing');
    assert.equal(missing.status, 404);
    assert.equal((missing.body['error'] as { code: string }).code, 'not-found');
  });
});
