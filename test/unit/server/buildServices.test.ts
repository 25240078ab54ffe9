// The service's `tracker` section is the declarative configuration of
// src/config: registered types work, and a `counters` spec without a store of
// its own counts into the service's `metrics` (what the query API reads).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { registerBackendType } from '../../../src/config/types.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { buildServices } from '../../../src/server/buildServices.js';

describe('buildServices: the tracker section', () => {
  test('a backend type added with registerBackendType is usable in the service configuration', async () => {
    const got: TrackedEvent[] = [];
    registerBackendType('svc-test-sink', () => ({ send: (events: readonly TrackedEvent[]) => void got.push(...events) }));
    const services = buildServices({ tracker: { backends: { sink: { type: 'svc-test-sink', delivery: { flushIntervalMs: 5 } } } } });
    services.tracker.emit('page.view', {});
    await services.close(2_000);
    assert.deepEqual(got.map((e) => e.name), ['page.view']);
  });

  test('a counters spec without a store counts into the service metrics; with a store of its own, not', async () => {
    const services = buildServices({
      metrics: { store: { type: 'memory' } },
      tracker: {
        backends: {
          shared: { type: 'counters', delivery: { flushIntervalMs: 5 } },
          own: { backend: { type: 'counters', options: { store: { type: 'memory' } } } } as never,
        },
      },
    });
    services.tracker.emit('page.view', {});
    await services.tracker.flush(2_000);
    await services.metrics!.flush();
    assert.equal((await services.metrics!.getMetric('page.view')).day, 1, 'counted once: by the spec without a store only');
    await services.close(2_000);
  });
});
