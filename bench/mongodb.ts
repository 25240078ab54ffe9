// Events/s stored in MongoDB: eventtrack (tracker → MongoBackend, one
// unordered insertMany per batch of 500) vs one insertOne per event (the edX
// event-tracking MongoDB backend's pattern), on the same server in the same run.
//
//   npx tsx bench/mongodb.ts          (starts a FerretDB via test/support/servers.ts)
//   MONGODB_URL=mongodb://127.0.0.1:27017/ npx tsx bench/mongodb.ts
//
// Every case writes to a fresh collection with the same indexes and counts
// time until the events are stored and acknowledged. (The edX backend writes
// with w=0, unacknowledged: no way to know when, or whether, an event is
// stored, and FerretDB 1.x even answers such writes, desynchronising the
// connection; so the peer uses acknowledged writes, like eventtrack.)
//
// A second peer is the ceiling of the server: the same documents written by
// hand with the driver alone, unordered insertMany of 500 with two batches in
// flight (the backend's batching), no tracker. The ratio against it shows how
// much of what the server can take the backend delivers.
import { MongoClient } from 'mongodb';
import { createTracker, MongoBackend, newEventId } from '../src/index.js';
import { startFerretDB } from '../test/support/servers.js';
import { runBench, serverSetup } from './harness.js';

const payload = (i: number) => ({ url: `/courses/course-v1:edX+DemoX+2024/page/${i % 50}`, method: 'GET', status: 200, ms: i % 97 });
const context = { user_id: 10938, session: 'c7f2a1', org_id: 'edX', course_id: 'course-v1:edX+DemoX+2024' };

function url(): string {
  const value = process.env['MONGODB_URL'];
  if (value === undefined) throw new Error('MONGODB_URL is not set');
  return value;
}

/** A fresh collection with the backend's indexes; dropped by `done()`. */
async function freshCollection() {
  const client = new MongoClient(url());
  const db = client.db(`bench_${process.pid}_${Date.now()}`);
  const events = db.collection('events');
  await events.createIndex({ name: 1, timestamp: -1 });
  await events.createIndex({ timestamp: -1 });
  return { client, db, events, done: async () => { await db.dropDatabase(); await client.close(); } };
}

async function insertOnePerEvent(count: number) {
  const { events, done } = await freshCollection();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await events.insertOne({ name: 'navigation.request', timestamp: new Date(), context, data: payload(i) });
  }
  const ms = performance.now() - started;
  await done();
  return { ops: count, ms };
}

async function insertManyByHand(count: number) {
  const { events, done } = await freshCollection();
  const started = performance.now();
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const docs = [];
      for (; docs.length < 500 && next < count; next++) {
        docs.push({ _id: newEventId() as never, name: 'navigation.request', timestamp: new Date(), context, data: payload(next) });
      }
      await events.insertMany(docs, { ordered: false });
    }
  };
  await Promise.all([writer(), writer()]);
  const ms = performance.now() - started;
  const stored = await events.countDocuments();
  await done();
  if (stored !== count) throw new Error(`stored ${stored} of ${count}`);
  return { ops: count, ms };
}

await runBench({
  title: 'MongoDB: events stored per second',
  file: import.meta.url,
  subject: 'eventtrack MongoBackend',
  peers: ['insertOne per event', 'insertMany by hand'],
  goals: { 'insertOne per event': 20 },
  runs: Number(process.env['BENCH_RUNS'] ?? 3),
  setup: serverSetup('MONGODB_URL', startFerretDB),
  cases: {
    'eventtrack MongoBackend': async () => {
      const count = 20_000;
      const { client, db, done } = await freshCollection();
      const backend = new MongoBackend({ client, db: db.databaseName });
      await backend.init();
      const tracker = createTracker({ backends: { mongo: backend }, delivery: { maxQueueSize: count, batchSize: 500 } });
      const started = performance.now();
      tracker.context('request', context, () => {
        for (let i = 0; i < count; i++) tracker.emit('navigation.request', payload(i));
      });
      await tracker.flush(60_000);
      const ms = performance.now() - started;
      const stats = tracker.stats().backends['mongo']!;
      await tracker.shutdown();
      const stored = await db.collection('events').countDocuments();
      await done();
      if (stats.sent !== count || stored !== count) throw new Error(`sent ${stats.sent}, stored ${stored} of ${count}`);
      return { ops: count, ms };
    },
    'insertOne per event': () => insertOnePerEvent(2_000),
    'insertMany by hand': () => insertManyByHand(20_000),
  },
});
