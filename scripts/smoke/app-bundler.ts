// (a) An ESM TypeScript application compiled with `moduleResolution: bundler`.
import { createTracker, MemoryBackend, EventCatalog } from 'eventtrack';

const memory = new MemoryBackend();
const tracker = createTracker({ catalog: new EventCatalog(), backends: { memory } }).define('smoke.bundler', {
  description: 'The bundler-resolution smoke program ran.',
  version: 1,
  schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
});
tracker.emit('smoke.bundler', { n: 1 }); // typed by the catalog: { n: number }
await tracker.flush();
await tracker.shutdown();
if (memory.events.length !== 1 || memory.events[0]?.data['n'] !== 1) throw new Error(`memory: ${JSON.stringify(memory.events)}`);
console.log('ok esm typescript (moduleResolution: bundler)');
