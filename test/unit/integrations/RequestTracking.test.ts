import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { MiddlewareError } from '../../../src/errors.js';
import { RequestTracking } from '../../../src/integrations/RequestTracking.js';
import type { RequestTracker } from '../../../src/integrations/RequestTracker.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { FakeResponse, fakeRequest } from './fixtures.js';

const memory = new MemoryBackend();
const tracker = createTracker({ backends: { memory }, flushOnExit: false });
// The real tracker satisfies the interface the integrations depend on.
const asRequestTracker: RequestTracker = tracker;

describe('RequestTracking', () => {
  after(() => tracker.shutdown());
  beforeEach(() => memory.clear());

  describe('run', () => {
    it('runs next inside the request context and returns its result', async () => {
      const tracking = new RequestTracking(asRequestTracker, {});
      const req = fakeRequest({ url: '/a?b=1', headers: { 'x-request-id': 'r1' } });
      const result = await tracking.run(req, new FakeResponse().asResponse(), req.url!, req, async (tracked) => {
        assert.equal(tracked, true);
        await sleep(1);
        tracker.emit('inside');
        return 42;
      });
      assert.equal(result, 42);
      tracker.emit('outside');
      await tracker.flush();
      assert.equal(memory.named('inside')[0]!.context['request_id'], 'r1');
      assert.deepEqual(memory.named('outside')[0]!.context, {});
    });

    it('skips matching requests: no context, no event', async () => {
      const tracking = new RequestTracking(tracker, { skip: ['/health'], requestEvent: true });
      const req = fakeRequest({ url: '/health?full=1' });
      const res = new FakeResponse();
      tracking.run(req, res.asResponse(), req.url!, req, (tracked) => {
        assert.equal(tracked, false);
        assert.deepEqual(tracker.resolveContext(), {});
      });
      res.finish(200);
      await tracker.flush();
      assert.equal(memory.events.length, 0);
    });

    it('does not skip when a skip predicate throws, and reports it', () => {
      const errors: unknown[] = [];
      const tracking = new RequestTracking(tracker, {
        skip: [
          () => {
            throw new Error('bad predicate');
          },
        ],
        onError: (error) => errors.push(error),
      });
      const req = fakeRequest();
      const tracked = tracking.run(req, new FakeResponse().asResponse(), '/', req, (t) => t);
      assert.equal(tracked, true);
      assert.equal((errors[0] as MiddlewareError).option, 'skip');
    });

    it('passes what next throws through unchanged, once', () => {
      const tracking = new RequestTracking(tracker, {});
      const req = fakeRequest();
      let calls = 0;
      const failure = new Error('handler failed');
      assert.throws(
        () =>
          tracking.run(req, new FakeResponse().asResponse(), '/', req, () => {
            calls++;
            throw failure;
          }),
        (error: unknown) => error === failure,
      );
      assert.equal(calls, 1);
    });

    it('runs next without context when the tracker refuses the context', () => {
      const errors: unknown[] = [];
      const refusing: RequestTracker = {
        emit: () => undefined,
        context: () => {
          throw new Error('strict tracker');
        },
      };
      const tracking = new RequestTracking(refusing, { onError: (error) => errors.push(error) });
      const req = fakeRequest();
      assert.equal(tracking.run(req, new FakeResponse().asResponse(), '/', req, (tracked) => (tracked ? 'in' : 'out')), 'out');
      assert.equal((errors[0] as MiddlewareError).option, 'context');
    });
  });

  describe('request event', () => {
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
  });
});
