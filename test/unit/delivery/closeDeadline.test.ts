// tracker.shutdown(timeoutMs) hands each backend what is left of the deadline,
// so a backend holding connections can disconnect hard in time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracker } from '../../../src/tracker/createTracker.js';

test('shutdown(timeoutMs) passes the rest of its deadline to backend.close', async () => {
  const given: unknown[] = [];
  const tracker = createTracker({
    backends: {
      b: {
        send: () => undefined,
        close: (timeoutMs?: number) => {
          given.push(timeoutMs);
        },
      },
    },
  });
  tracker.emit('x', {});
  await tracker.shutdown(2_000);
  assert.equal(given.length, 1);
  assert.ok(typeof given[0] === 'number' && given[0] > 1_000 && given[0] <= 2_000, String(given[0]));
});
