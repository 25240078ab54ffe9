import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { type MiddlewareError } from '../../../src/errors.js';
import { RequestTracking } from '../../../src/integrations/RequestTracking.js';
import type { RequestTracker } from '../../../src/integrations/RequestTracker.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { FakeResponse, fakeRequest } from './fixtures.js';

const memory = new MemoryBackend();
const tracker = createTracker({ backends: { memory }, flushOnExit: false });

describe('request event (watchResponse through RequestTracking)', () => {
  after(() => tracker.shutdown());
  beforeEach(() => memory.clear());

  it('is emitted once on finish with status, duration, route and the request context', async () => {
    const tracking = new RequestTracking<{ route: string }>(tracker, { requestEvent: true }, (source) => source.route);
    const req = fakeRequest({ method: 'PUT', url: '/users/5?page=2&token=abc&tag=a&tag=b', headers: { 'x-request-id': 'ev-1' } });
    const res = new FakeResponse();
    tracking.run(req, res.asResponse(), req.url!, { route: '/users/:id' }, () => undefined);
    await sleep(5);
    res.finish(201);
    res.emit('close');
    await tracker.flush();
    const events = memory.named('http.request');
    assert.equal(events.length, 1);
    const { data, context } = events[0]!;
    assert.equal(context['request_id'], 'ev-1');
    assert.equal(data['method'], 'PUT');
    assert.equal(data['path'], '/users/5');
    assert.equal(data['route'], '/users/:id');
    assert.equal(data['status'], 201);
    assert.ok((data['duration_ms'] as number) >= 4, `duration ${String(data['duration_ms'])}`);
    assert.deepEqual(data['query'], { page: '2', token: '[masked]', tag: ['a', 'b'] });
    assert.ok(!('aborted' in data));
  });

  it('records an early close as aborted, without a status when nothing was sent', async () => {
    const tracking = new RequestTracking(tracker, { requestEvent: { name: 'req.done', query: false } });
    const req = fakeRequest({ url: '/slow?x=1' });
    const res = new FakeResponse();
    tracking.run(req, res.asResponse(), req.url!, req, () => undefined);
    res.abort();
    await tracker.flush();
    const { data } = memory.named('req.done')[0]!;
    assert.equal(data['aborted'], true);
    assert.ok(!('status' in data));
    assert.ok(!('query' in data));
  });

  it('masks configured headers, query parameters and top-level fields', async () => {
    const tracking = new RequestTracking(tracker, {
      requestEvent: { headers: ['authorization', 'accept', 'x-user-email'], mask: ['authorization', /email/, 'path', 'q'] },
    });
    const req = fakeRequest({
      url: '/search?q=private+words&page=1',
      headers: { authorization: 'Bearer xyz', accept: 'text/html', 'x-user-email': 'a@b.test' },
    });
    const res = new FakeResponse();
    tracking.run(req, res.asResponse(), req.url!, req, () => undefined);
    res.finish(200);
    await tracker.flush();
    const { data } = memory.named('http.request')[0]!;
    assert.equal(data['path'], '[masked]');
    assert.deepEqual(data['headers'], { authorization: '[masked]', accept: 'text/html', 'x-user-email': '[masked]' });
    assert.deepEqual(data['query'], { q: '[masked]', page: '1' });
    assert.ok(!JSON.stringify(memory.events).includes('xyz'));
    assert.ok(!JSON.stringify(memory.events).includes('private'));
  });

  it('reports a throwing route reader and still emits', async () => {
    const errors: unknown[] = [];
    const tracking = new RequestTracking(
      tracker,
      { requestEvent: true, onError: (error) => errors.push(error) },
      () => {
        throw new Error('route broke');
      },
    );
    const req = fakeRequest();
    const res = new FakeResponse();
    tracking.run(req, res.asResponse(), '/', req, () => undefined);
    res.finish(200);
    await tracker.flush();
    assert.equal(memory.named('http.request').length, 1);
    assert.equal((errors[0] as MiddlewareError).option, 'route');
  });

  it('reports an emit that throws (strict tracker) instead of crashing the response listener', () => {
    const errors: unknown[] = [];
    const throwing: RequestTracker = {
      emit: () => {
        throw new Error('strict says no');
      },
      context: (_name, _ctx, fn) => fn(),
    };
    const tracking = new RequestTracking(throwing, { requestEvent: true, onError: (error) => errors.push(error) });
    const req = fakeRequest();
    const res = new FakeResponse();
    tracking.run(req, res.asResponse(), '/', req, () => undefined);
    assert.doesNotThrow(() => res.finish(200));
    assert.equal((errors[0] as MiddlewareError).option, 'requestEvent');
  });
});

describe('request event query parsing', () => {
  const queryMemory = new MemoryBackend();
  const queryTracker = createTracker({ backends: { memory: queryMemory }, flushOnExit: false });
  after(() => queryTracker.shutdown());

  async function queryOf(url: string, options: { maxValueLength?: number } = {}): Promise<Record<string, unknown>> {
    queryMemory.clear();
    const tracking = new RequestTracking(queryTracker, { requestEvent: { mask: [] }, ...options });
    const req = fakeRequest({ url });
    const res = new FakeResponse();
    tracking.run(req, res.asResponse(), url, req, () => undefined);
    res.finish(200);
    await queryTracker.flush();
    return queryMemory.named('http.request')[0]!.data['query'] as Record<string, unknown>;
  }

  it('records parameters named like Object.prototype members as plain own fields', async () => {
    const query = await queryOf('/p?toString=1&constructor=2&__proto__=3&__proto__=4&hasOwnProperty=5');
    assert.deepEqual(Object.entries(query), [
      ['toString', '1'],
      ['constructor', '2'],
      ['__proto__', ['3', '4']],
      ['hasOwnProperty', '5'],
    ]);
    assert.equal(Object.getPrototypeOf(query), Object.prototype);
  });

  it('caps the number of recorded values (repeated names count) and the length of names', async () => {
    const repeated = await queryOf(`/p?${'a=1&'.repeat(1000)}b=2`);
    assert.equal((repeated['a'] as unknown[]).length, 64);
    assert.ok(!('b' in repeated));
    const long = await queryOf(`/p?${'k'.repeat(50)}=v`, { maxValueLength: 10 });
    assert.deepEqual(long, { kkkkkkkkkk: 'v' });
  });
});
