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
});

describe('RequestTracking without onError', () => {
  it('reports a throwing userId callback through the tracker’s error event', async () => {
    const errors: Error[] = [];
    const own = createTracker({ backends: { memory: new MemoryBackend() }, flushOnExit: false });
    own.on('error', (error) => errors.push(error));
    const tracking = new RequestTracking(own, { userId: () => { throw new Error('auth lookup failed'); } });
    const req = fakeRequest({ url: '/x' });
    await tracking.run(req, new FakeResponse().asResponse(), req.url!, req, async () => own.emit('inside'));
    await own.shutdown();
    assert.equal(errors.length, 1);
    assert.match(String((errors[0]!.cause as Error)?.message ?? errors[0]!.message), /auth lookup failed/);
  });
});
