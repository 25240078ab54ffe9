// An Express app tracked with eventtrack: every request runs in a `request`
// context (method, path, ip, user, hashed session, request id, …), handlers
// emit events that carry it, and one `http.request` event per request records
// status, duration and route.
//
//   npx tsx examples/express.ts
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTracker, expressMiddleware, MemoryBackend } from '../src/index.js';

const memory = new MemoryBackend();
const tracker = createTracker({ backends: { memory } });

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
  tracker.emit('address.create', req.body as Record<string, unknown>);
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
await fetch(`${base}/health`);
await fetch(`${base}/missing`);

server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await tracker.shutdown(); // delivers everything to the backends

console.log(`tracked ${memory.events.length} events:\n`);
for (const event of memory.events) {
  const { method, path, user_id, request_id, session_hash } = event.context;
  console.log(`${event.name}  ${JSON.stringify(event.data)}`);
  console.log(
    `  context: ${JSON.stringify({ method, path, user_id, request_id, session_hash: typeof session_hash === 'string' ? `${session_hash.slice(0, 12)}…` : undefined })}\n`,
  );
}
