// MongoDB event store: a small simulated shop emits events inside request
// contexts, MongoBackend stores them (one insertMany per batch), and
// MongoEventStore reads them back: a daily rollup per event name, one user's
// latest events, and a count.
//
//   MONGODB_URL=mongodb://127.0.0.1:27017/ npx tsx examples/mongodb.ts
//
// Any MongoDB-wire server works (MongoDB, or FerretDB as in this repo's tests:
// `npm run servers:install`, then run the integration tests, or start
// ~/.cache/eventtrack/bin/ferretdb yourself). Writes to a fresh database
// named eventtrack_example_<time> and drops it at the end.
import { MongoClient } from 'mongodb';
import { createTracker, MongoBackend, MongoEventStore } from 'eventtrack';

const url = process.env['MONGODB_URL'];
if (url === undefined || url === '') {
  process.stdout.write(
    'examples/mongodb.ts needs a MongoDB-wire server: set MONGODB_URL, e.g.\n' +
      '  MONGODB_URL=mongodb://127.0.0.1:27017/ npx tsx examples/mongodb.ts\n' +
      'Nothing was run.\n',
  );
  process.exit(0);
}

const db = `eventtrack_example_${Date.now()}`;
const backend = new MongoBackend({ url, db, contextIndexes: ['user_id'], clientOptions: { serverSelectionTimeoutMS: 5_000 } });
const tracker = createTracker({ backends: { mongo: backend } });
tracker.on('error', (error) => process.stderr.write(`tracker error: ${error.message}\n`));

// Seven simulated days of a shop: visits, signups, orders.
const DAY = 86_400_000;
const start = Date.UTC(2024, 2, 4); // Monday 4 March 2024
let seed = 1;
const random = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return Math.floor((seed / 2 ** 31) * n);
};
for (let day = 0; day < 7; day++) {
  const visits = 40 + random(40);
  for (let v = 0; v < visits; v++) {
    const userId = 1000 + random(25);
    const at = start + day * DAY + random(DAY);
    tracker.context('request', { user_id: userId, path: '/shop' }, () => {
      tracker.emit('page.view', { page: ['home', 'product', 'cart'][random(3)] }, { timestamp: at });
      if (random(10) === 0) tracker.emit('user.signup', { plan: random(2) === 0 ? 'free' : 'pro' }, { timestamp: at + 1_000 });
      if (random(5) === 0) tracker.emit('order.paid', { amount: 5 + random(200), currency: 'EUR' }, { timestamp: at + 60_000 });
    });
  }
}

const report = await tracker.shutdown(15_000); // flushes every queued event, then closes the backend
const mongo = tracker.stats().backends['mongo']!;
process.stdout.write(`stored ${mongo.sent} events in ${db}.events (${mongo.dropped} dropped, ${report.pending} pending)\n\n`);

// The application's own client (mongodb 6 or 7) works as well as a url.
const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
const store = new MongoEventStore({ client, db });
try {
  const rows = await store.rollup({ granularity: 'day', since: new Date(start), until: new Date(start + 7 * DAY) });
  const names = [...new Set(rows.map((r) => String(r.key)))].sort();
  const days = [...new Set(rows.map((r) => r.label))];
  process.stdout.write(`daily events per name (UTC)\n${'day'.padEnd(12)}${names.map((n) => n.padStart(13)).join('')}\n`);
  for (const label of days) {
    const counts = names.map((n) => rows.find((r) => r.label === label && r.key === n)?.count ?? 0);
    process.stdout.write(`${label.padEnd(12)}${counts.map((c) => String(c).padStart(13)).join('')}\n`);
  }

  process.stdout.write(`\nuser 1007's last 3 events:\n`);
  for await (const event of store.findEvents({ where: { 'context.user_id': 1007 }, sort: 'desc', limit: 3 })) {
    process.stdout.write(`  ${event.timestamp.toISOString()}  ${event.name}  ${JSON.stringify(event.data)}\n`);
  }
  process.stdout.write(`orders: ${await store.countEvents({ name: 'order.paid' })}\n`);
} finally {
  await client.db(db).dropDatabase().catch(() => undefined);
  await store.close();
  await client.close();
}
