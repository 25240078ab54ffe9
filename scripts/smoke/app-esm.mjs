// (b) Plain ESM JavaScript.
import { createTracker, MemoryBackend } from 'eventtrack';

const memory = new MemoryBackend();
const tracker = createTracker({ backends: { memory } });
tracker.context('job', { job_id: 'j1' }, () => tracker.emit('smoke.esm', { ok: true }));
await tracker.shutdown();
if (memory.events.length !== 1 || memory.events[0].context.job_id !== 'j1') throw new Error(`memory: ${JSON.stringify(memory.events)}`);
console.log(`ok esm javascript (node ${process.version})`);
