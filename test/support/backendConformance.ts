// One conformance suite that every backend passes: call it from the backend's
// own test file with a factory that builds the backend and reads back what it
// stored, as plain `{ id, name, timestamp (ISO string), context, data }`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/backends/Backend.js';
import type { TrackedEvent } from '../../src/event/TrackedEvent.js';
import { createTracker } from '../../src/tracker/createTracker.js';

/** An event as a backend's storage gives it back. */
export interface StoredEvent {
  id: string;
  name: string;
  timestamp: string;
  context: unknown;
  data: unknown;
}

export interface ConformanceSubject {
  backend: Backend;
  /** Everything the backend stored so far. */
  read(): Promise<StoredEvent[]>;
  /** Releases what the factory opened (after the backend is closed). */
  cleanup?(): Promise<void>;
}

export interface ConformanceOptions {
  /** Re-sending an already delivered batch stores nothing twice. */
  idempotent: boolean;
  /** Skip reason (e.g. a server is missing), as for node:test `skip`. */
  skip?: string | false;
}

const tricky = {
  text: 'ünïcødé ✓ "quotes" \\ back\nnew line',
  number: 1.5,
  integer: -42,
  flag: false,
  none: null,
  list: [1, 'two', { three: 3 }],
  nested: { deep: { deeper: { deepest: true } } },
};

export function backendConformance(name: string, factory: () => Promise<ConformanceSubject>, options: ConformanceOptions): void {
  describe(`backend conformance: ${name}`, { skip: options.skip ?? false }, () => {
    test('stores every event emitted through a tracker, with context, data and timestamp intact', async () => {
      const subject = await factory();
      const tracker = createTracker({ backends: { subject: subject.backend }, delivery: { batchSize: 7 } });
      const emitted = 50;
      const when = new Date('2026-03-04T05:06:07.089Z');
      await tracker.context('request', { user_id: 7, org: { id: 'o' } }, () =>
        tracker.context('inner', { org: { name: 'n' } }, async () => {
          for (let i = 0; i < emitted; i++) tracker.emit('conformance.event', { i, ...tricky }, { timestamp: when });
        }),
      );
      const report = await tracker.shutdown();
      assert.equal(report.complete, true);
      assert.equal(tracker.stats().backends['subject']!.sent, emitted);
      const stored = (await subject.read()).filter((e) => e.name === 'conformance.event');
      await subject.cleanup?.();
      assert.equal(stored.length, emitted);
      assert.equal(new Set(stored.map((e) => e.id)).size, emitted);
      const sorted = [...stored].sort((a, b) => (a.data as { i: number }).i - (b.data as { i: number }).i);
      sorted.forEach((event, i) => {
        assert.deepEqual(event.data, { i, ...tricky });
        assert.deepEqual(event.context, { user_id: 7, org: { id: 'o', name: 'n' } });
        assert.equal(event.timestamp, when.toISOString());
      });
    });

    test(options.idempotent ? 'a re-sent batch is not stored twice' : 'a re-sent batch is delivered again (not idempotent by design)', async () => {
      const subject = await factory();
      const memoryTracker = createTracker({ backends: {} });
      const batch: TrackedEvent[] = [];
      memoryTracker.addBackend('capture', (events) => void batch.push(...events));
      for (let i = 0; i < 5; i++) memoryTracker.emit('conformance.retry', { i });
      await memoryTracker.shutdown();
      await subject.backend.send(batch);
      await subject.backend.send(batch);
      await subject.backend.flush?.();
      const stored = (await subject.read()).filter((e) => e.name === 'conformance.retry');
      await subject.backend.close?.();
      await subject.cleanup?.();
      assert.equal(stored.length, options.idempotent ? 5 : 10);
    });
  });
}
