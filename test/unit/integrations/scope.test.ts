import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, it } from 'node:test';
import { captureScope } from '../../../src/integrations/scope.js';
import type { RequestTracker } from '../../../src/integrations/RequestTracker.js';
import { createTracker } from '../../../src/tracker/createTracker.js';

describe('captureScope', () => {
  it('re-enters the tracker context active at capture, from outside it', async () => {
    const tracker = createTracker({ flushOnExit: false });
    try {
      const scope = tracker.context('request', { request_id: 'a' }, () => captureScope(tracker));
      assert.deepEqual(tracker.resolveContext(), {});
      assert.deepEqual(scope(() => tracker.resolveContext()), { request_id: 'a' });
      assert.equal(scope(() => 7), 7);
    } finally {
      await tracker.shutdown();
    }
  });

  it('falls back to AsyncResource for a tracker without bind', () => {
    const storage = new AsyncLocalStorage<string>();
    const bare: RequestTracker = { emit: () => undefined, context: (_name, _ctx, fn) => fn() };
    const scope = storage.run('inside', () => captureScope(bare));
    assert.equal(storage.getStore(), undefined);
    assert.equal(scope(() => storage.getStore()), 'inside');
  });
});
