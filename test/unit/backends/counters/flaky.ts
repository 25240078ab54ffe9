// A backend wrapper that makes deliveries fail, for exactly-once tests.
import type { Backend } from '../../../../src/backends/Backend.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';

/**
 * Wraps a backend so that every third `send` fails: `before` fails without
 * passing the batch on (a transport error), `after` passes it on and then
 * fails (as if the reply was lost); the tracker's delivery layer retries both.
 * `none` never fails.
 */
export function flaky(inner: Backend, mode: 'none' | 'before' | 'after'): Backend & { failures: number } {
  let calls = 0;
  const wrapper = {
    failures: 0,
    send(events: readonly TrackedEvent[]): void {
      calls += 1;
      const fail = mode !== 'none' && calls % 3 === 0;
      if (fail && mode === 'before') {
        wrapper.failures += 1;
        throw new Error('connection reset before delivery');
      }
      void inner.send(events);
      if (fail) {
        wrapper.failures += 1;
        throw new Error('reply lost after delivery');
      }
    },
    flush: () => inner.flush?.(),
    close: () => inner.close?.(),
  };
  return wrapper;
}
