import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { wrapHttpHandler } from '../../../src/integrations/http.js';
import type { RequestTracker } from '../../../src/integrations/RequestTracker.js';
import { FakeResponse, fakeRequest } from './fixtures.js';

function recordingTracker(): RequestTracker & { contexts: unknown[] } {
  const contexts: unknown[] = [];
  return {
    contexts,
    emit: () => undefined,
    context: (_name, ctx, fn) => {
      contexts.push(ctx);
      return fn();
    },
  };
}

describe('wrapHttpHandler', () => {
  it('passes the handler its arguments, `this` and return value, inside the context', () => {
    const tracker = recordingTracker();
    const receiver = { name: 'server' };
    const wrapped = wrapHttpHandler(tracker, function (this: unknown, req, res) {
      assert.equal(this, receiver);
      return [req, res];
    });
    const req = fakeRequest({ url: '/p?q=1' });
    const res = new FakeResponse().asResponse();
    assert.deepEqual(wrapped.call(receiver, req, res), [req, res]);
    assert.equal((tracker.contexts[0] as Record<string, unknown>)['path'], '/p');
  });

  it('checks its arguments at once', () => {
    assert.throws(() => wrapHttpHandler(recordingTracker(), 'nope' as never), TypeError);
    assert.throws(() => wrapHttpHandler(recordingTracker(), () => undefined, { maxValueLength: 0 }), ConfigurationError);
  });
});
