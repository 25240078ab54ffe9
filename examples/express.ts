// An Express app tracked with eventtrack: every request runs in a `request`
// context (method, path, ip, user, hashed session, request id, …), handlers
// emit events that carry it, and one `http.request` event per request records
// status, duration and route. Events are documented and checked by a catalog,
// and routed: everything in full to one backend, a redacted copy to a JSON
// log, and only the request events to a third.
//
//   npx tsx examples/express.ts
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import express from 'express';
import { createTracker, EventCatalog, expressMiddleware, LoggerBackend, MemoryBackend, redact } from 'eventtrack';

const memory = new MemoryBackend();
const requests = new MemoryBackend();
const logLines: string[] = [];
const logStream = new PassThrough().on('data', (chunk: Buffer) => logLines.push(...String(chunk).trimEnd().split('\n')));

const tracker = createTracker({
  // Undefined events are delivered but reported; events whose data breaks their schema are dropped.
  catalog: new EventCatalog({ undefinedEvents: 'warn', invalidEvents: 'reject' }),
  backends: {
    memory, // everything, in full
    log: { backend: new LoggerBackend({ stream: logStream }), processors: [redact(['data.address', 'context.ip'])] },
    requests: { backend: requests, include: ['http.request'] },
  },
})
  .define('course.view', {
    description: 'A learner opened a course page.',
    version: 1,
    schema: { type: 'object', properties: { course_id: { type: 'string' } }, required: ['course_id'] },
  })
  .define('address.create', {
    description: 'A user saved a postal address.',
    version: 1,
    schema: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        address: { type: 'object', properties: { postal_code: { type: 'string' }, country: { type: 'string' } }, required: ['country'] },
      },
      required: ['name', 'address'],
    },
    fields: { address: 'Where the user lives; redacted in the log.' },
  });
const problems: string[] = [];
tracker.on('error', (error) => problems.push(error.message));

const app = express();
app.use(express.json());

// Stand-in for real authentication: the user named in a header.
app.use((req, _res, next) => {
  const user = req.header('x-demo-user');
  if (user !== undefined) Object.assign(req, { user: { id: user } });
  next();
});

app.use(
  expressMiddleware(tracker, {
    userId: (req) => req.user?.id,
    sessionSecret: 'demo-secret-change-me-in-production', // session ids are recorded only as an HMAC
    skip: ['/health'],
    requestEvent: { mask: ['token'] },
  }),
);

app.get('/courses/:id', (req, res) => {
  tracker.emit('course.view', { course_id: req.params.id });
  res.json({ id: req.params.id, title: 'Intro to tracking' });
});

app.post('/addresses', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 5)); // the context survives awaits
  // Request bodies are untrusted: the catalog checks them against the schema at run time.
  tracker.emit('address.create', req.body as { name: string; address: { country: string } });
  res.status(201).json({ ok: true });
});

app.get('/health', (_req, res) => {
  res.send('ok'); // skipped: no context, no event
});

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// A client making a few requests.
await fetch(`${base}/courses/cs101?token=secret-value`, {
  headers: { 'x-demo-user': 'alice', cookie: 'connect.sid=alice-session', 'x-request-id': 'demo-1' },
});
await fetch(`${base}/addresses`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-demo-user': 'bob' },
  body: JSON.stringify({ name: 'foo', address: { postal_code: '90210', country: 'United States' } }),
});
await fetch(`${base}/addresses`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-demo-user': 'carol' },
  body: JSON.stringify({ name: 'no address' }), // invalid: rejected by the catalog
});
await fetch(`${base}/health`);
await fetch(`${base}/missing`);

server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await tracker.shutdown(); // delivers everything to the backends

console.log(`tracked ${memory.events.length} events in full:\n`);
for (const event of memory.events) {
  const { method, path, user_id, request_id, session_hash } = event.context;
  console.log(`${event.name}  ${JSON.stringify(event.data)}`);
  console.log(
    `  context: ${JSON.stringify({ method, path, user_id, request_id, session_hash: typeof session_hash === 'string' ? `${session_hash.slice(0, 12)}…` : undefined })}\n`,
  );
}

console.log(`${requests.events.length} request events went to the "requests" backend; the redacted log line of the address:`);
console.log(`  ${logLines.find((line) => line.includes('address.create'))}\n`);
console.log(`reported by the tracker (${problems.length}):`);
for (const problem of problems) console.log(`  ${problem}`);
console.log(`\ncatalog stats: ${JSON.stringify(tracker.stats().catalog)}, dropped: ${JSON.stringify(tracker.stats().dropped)}`);
console.log(`\nthe generated event documentation starts:\n${tracker.catalog.toMarkdown().split('\n').slice(0, 12).join('\n')}`);
if (tracker.stats().dropped['invalid-event'] !== 1 || logLines.some((line) => line.includes('90210'))) {
  console.error('example check failed');
  process.exit(1);
}
