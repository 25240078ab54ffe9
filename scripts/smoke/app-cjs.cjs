// (c) CommonJS: require('eventtrack') (require of an ES module, Node >= 20.19).
const { createTracker, MemoryBackend, LoggerBackend } = require('eventtrack');
const { Writable } = require('node:stream');

const memory = new MemoryBackend();
const lines = [];
const stream = new Writable({ write: (chunk, _encoding, done) => { lines.push(chunk.toString()); done(); } });
const tracker = createTracker({ backends: { memory, log: new LoggerBackend({ stream }) } });
tracker.emit('smoke.cjs', { ok: true });
tracker.shutdown().then((report) => {
  if (!report.complete || memory.events.length !== 1 || memory.events[0].name !== 'smoke.cjs') throw new Error(`memory: ${JSON.stringify(memory.events)}`);
  if (!lines.join('').includes('"smoke.cjs"')) throw new Error(`logger: ${lines.join('')}`);
  console.log(`ok commonjs require (node ${process.version})`);
});
