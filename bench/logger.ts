// End to end: events/s from emit to a JSON-lines file (LoggerBackend) against
// pino writing the same objects, with the same three context levels as child
// bindings, to a file (its asynchronous destination), both until on disk.
// The tracker runs with default delivery options and a loop that honours
// nothing (it yields every 1 000 events, as a busy server does): every event
// must reach the file (0 lost), or the run fails. A second case honours
// backpressure (`if (!emit()) await drain()`) over BENCH_BACKPRESSURE_EVENTS
// (default 3 M) events in one loop that never yields otherwise: 0 lost too.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createTracker, LoggerBackend } from '../src/index.js';
import { runBench } from './harness.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 300_000);
const BACKPRESSURE_EVENTS = Number(process.env['BENCH_BACKPRESSURE_EVENTS'] ?? 3_000_000);
const CHUNK = 1_000;
const payload = { url: '/courses/42/lesson/7', method: 'GET', status: 200, bytes: 5120, cached: false };
const contexts = [
  { service: 'web', version: '1.4.2' },
  { user_id: 10938, session: 'ab12cd', ip: '127.0.0.1' },
  { course_id: 'course-v1:edX+DemoX', org_id: 'edX' },
] as const;
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function tempFile(): { path: string; done: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-bench-'));
  const path = join(dir, 'events.jsonl');
  return { path, done: () => (statSync(path).size, rmSync(dir, { recursive: true, force: true }), 0) };
}

await runBench({
  title: 'bench/logger: emit → JSON-lines file, end to end',
  file: import.meta.url,
  subject: 'eventtrack → LoggerBackend file',
  peers: ['pino → file', 'eventtrack → file, honouring backpressure'],
  goals: { 'pino → file': 2 },
  cases: {
    'eventtrack → LoggerBackend file': async () => {
      const file = tempFile();
      // Default delivery options: the byte-bounded queue must absorb the whole burst.
      const tracker = createTracker({ backends: { file: new LoggerBackend({ path: file.path }) } });
      const start = performance.now();
      await tracker.context('app', contexts[0], () =>
        tracker.context('request', contexts[1], () =>
          tracker.context('course', contexts[2], async () => {
            for (let done = 0; done < EVENTS; done += CHUNK) {
              for (let i = 0; i < CHUNK; i++) tracker.emit('navigation.request', payload);
              await yieldTurn();
            }
          }),
        ),
      );
      const report = await tracker.shutdown(60_000);
      const ms = performance.now() - start;
      const stats = tracker.stats().backends['file']!;
      if (!report.complete || stats.sent !== EVENTS) throw new Error(`not every event was written: ${stats.sent} of ${EVENTS}, lost ${JSON.stringify(stats.dropReasons)}`);
      file.done();
      return { ops: EVENTS, ms, note: '0 lost' };
    },
    'eventtrack → file, honouring backpressure': async () => {
      const file = tempFile();
      const tracker = createTracker({ backends: { file: new LoggerBackend({ path: file.path }) } });
      let waits = 0;
      const start = performance.now();
      await tracker.context('app', contexts[0], () =>
        tracker.context('request', contexts[1], () =>
          tracker.context('course', contexts[2], async () => {
            for (let i = 0; i < BACKPRESSURE_EVENTS; i++) {
              if (!tracker.emit('navigation.request', payload)) {
                waits++;
                await tracker.drain();
              }
            }
          }),
        ),
      );
      const report = await tracker.shutdown(120_000);
      const ms = performance.now() - start;
      const stats = tracker.stats().backends['file']!;
      if (!report.complete || stats.sent !== BACKPRESSURE_EVENTS) throw new Error(`not every event was written: ${stats.sent} of ${BACKPRESSURE_EVENTS}, lost ${JSON.stringify(stats.dropReasons)}`);
      file.done();
      return { ops: BACKPRESSURE_EVENTS, ms, note: `0 lost, ${waits} waits for drain` };
    },
    'pino → file': async () => {
      const file = tempFile();
      const destination = pino.destination({ dest: file.path, sync: false });
      const logger = pino(destination).child(contexts[0]).child(contexts[1]).child(contexts[2]);
      const start = performance.now();
      for (let done = 0; done < EVENTS; done += CHUNK) {
        for (let i = 0; i < CHUNK; i++) logger.info(payload, 'navigation.request');
        await yieldTurn();
      }
      await new Promise<void>((resolve, reject) => destination.flush((error) => (error ? reject(error) : resolve())));
      const ms = performance.now() - start;
      destination.end();
      file.done();
      return { ops: EVENTS, ms };
    },
  },
});
