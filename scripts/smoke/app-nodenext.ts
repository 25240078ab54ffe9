// (a) An ESM TypeScript application compiled with `module: nodenext`.
import { PassThrough } from 'node:stream';
import { createTracker, LoggerBackend, MemoryBackend, type TrackedEvent } from 'eventtrack';

const memory = new MemoryBackend();
const stream = new PassThrough();
let lines = '';
stream.on('data', (chunk: Buffer) => (lines += chunk.toString()));
const tracker = createTracker({ backends: { memory, log: new LoggerBackend({ stream }) } });

await tracker.context('request', { user_id: 7 }, async () => {
  tracker.emit('smoke.nodenext', { ok: true });
});
const report = await tracker.shutdown();
const event: TrackedEvent | undefined = memory.events[0];
if (!report.complete || memory.events.length !== 1 || event?.context['user_id'] !== 7) throw new Error(`memory: ${JSON.stringify(memory.events)}`);
if (JSON.parse(lines.trim()).name !== 'smoke.nodenext') throw new Error(`logger: ${lines}`);
console.log('ok esm typescript (module: nodenext)');
