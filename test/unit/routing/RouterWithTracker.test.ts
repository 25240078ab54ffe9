// The Router under the tracker's real delivery layer: a route that fails once
// is retried by the dispatcher, and the other routes still get each event once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { redact } from '../../../src/processors/redact.js';
import { Router } from '../../../src/routing/Router.js';
import { createTracker } from '../../../src/tracker/createTracker.js';

describe('Router as a tracker backend', () => {
  it('retries only the failed route, exactly once per event everywhere', async () => {
    const mongo = new MemoryBackend();
    const log = new MemoryBackend();
    const counters = new MemoryBackend();
    let failuresLeft = 1;
    const flakyCounters = {
      send(events: readonly TrackedEvent[]) {
        if (failuresLeft-- > 0) throw new Error('redis down');
        return counters.send(events);
      },
    };
    const router = new Router({
      routes: [
        { name: 'mongo', backend: mongo },
        { name: 'log', backend: log, processors: [redact(['data.password'])] },
        { name: 'counters', backend: flakyCounters, include: ['user.*'] },
      ],
    });
    const tracker = createTracker({
      backends: { routed: router },
      delivery: { retryBaseDelayMs: 1, retryMaxDelayMs: 5 },
      flushOnExit: false,
    });
    const errors: unknown[] = [];
    tracker.on('error', (error) => errors.push(error));
    try {
      tracker.emit('user.signup', { password: 'p' });
      tracker.emit('page.view', { path: '/' });
      tracker.emit('user.login', { password: 'q' });
      const report = await tracker.flush(5_000);
      assert.equal(report.complete, true);

      assert.deepEqual(mongo.events.map((e) => e.name), ['user.signup', 'page.view', 'user.login']);
      assert.deepEqual(log.events.map((e) => e.data['password'] ?? null), ['[REDACTED]', null, '[REDACTED]']);
      assert.deepEqual(counters.events.map((e) => e.name), ['user.signup', 'user.login']);
      assert.equal(mongo.events[0]!.data['password'], 'p');
      assert.equal(errors.length, 1, 'the failed attempt was reported once');
      const stats = tracker.stats().backends['routed']!;
      assert.equal(stats.sent, 3);
      assert.equal(stats.dropped, 0);
    } finally {
      await tracker.shutdown(1_000);
    }
  });
});
