// emit with three nested contexts into a MemoryBackend, against a pino child
// logger's .info of the same payload to /dev/null.
import { openSync } from 'node:fs';
import { pino } from 'pino';
import { createTracker, MemoryBackend } from '../src/index.js';
import { runBench } from './harness.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const CHUNK = 1_000; // emits between event-loop turns, as a busy server would do
const payload = { url: '/courses/42/lesson/7', method: 'GET', status: 200, bytes: 5120, cached: false };
const contexts = [
  ['app', { service: 'web', version: '1.4.2' }],
  ['request', { user_id: 10938, session: 'ab12cd', ip: '127.0.0.1' }],
  ['course', { course_id: 'course-v1:edX+DemoX', org_id: 'edX' }],
] as const;

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

await runBench({
  title: 'bench/emit: emit with three nested contexts',
  file: import.meta.url,
  subject: 'eventtrack emit → MemoryBackend',
  peers: ['pino child .info → /dev/null'],
  goals: { 'pino child .info → /dev/null': 5 },
  cases: {
    'eventtrack emit → MemoryBackend': async () => {
      const memory = new MemoryBackend();
      const tracker = createTracker({ backends: { memory } });
      const run = (): Promise<number> =>
        tracker.context(contexts[0][0], contexts[0][1], () =>
          tracker.context(contexts[1][0], contexts[1][1], () =>
            tracker.context(contexts[2][0], contexts[2][1], async () => {
              const start = performance.now();
              for (let done = 0; done < EVENTS; done += CHUNK) {
                for (let i = 0; i < CHUNK; i++) tracker.emit('navigation.request', payload);
                await yieldTurn();
                memory.clear(); // as a test would after inspecting; keeps memory flat
              }
              await tracker.flush();
              return performance.now() - start;
            }),
          ),
        );
      await run(); // warm-up
      const ms = await run();
      const stats = tracker.stats().backends['memory']!;
      await tracker.shutdown();
      if (stats.dropped > 0) throw new Error(`dropped ${stats.dropped} events`);
      return { ops: EVENTS, ms };
    },
    'pino child .info → /dev/null': async () => {
      const logger = pino(pino.destination({ fd: openSync('/dev/null', 'w'), sync: true }));
      const child = logger.child(contexts[0][1]).child(contexts[1][1]).child(contexts[2][1]);
      const run = async (): Promise<number> => {
        const start = performance.now();
        for (let done = 0; done < EVENTS; done += CHUNK) {
          for (let i = 0; i < CHUNK; i++) child.info(payload, 'navigation.request');
          await yieldTurn();
        }
        return performance.now() - start;
      };
      await run();
      return { ops: EVENTS, ms: await run() };
    },
  },
});
