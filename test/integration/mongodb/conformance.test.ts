// MongoBackend passes the conformance suite every backend passes, on a real server.
import { MongoClient } from 'mongodb';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import { MongoEventStore } from '../../../src/backends/mongodb/MongoEventStore.js';
import { backendConformance, type StoredEvent } from '../../support/backendConformance.js';
import { mongodbUrl, skipUnless, uniqueDbName } from '../../support/env.js';

backendConformance(
  'MongoBackend',
  async () => {
    const db = uniqueDbName('conformance');
    const backend = new MongoBackend({ url: mongodbUrl!, db });
    return {
      backend,
      async read(): Promise<StoredEvent[]> {
        const store = new MongoEventStore({ url: mongodbUrl!, db });
        try {
          const out: StoredEvent[] = [];
          for await (const e of store.findEvents()) out.push({ ...e, timestamp: e.timestamp.toISOString() });
          return out;
        } finally {
          await store.close();
        }
      },
      async cleanup() {
        await backend.close();
        const client = new MongoClient(mongodbUrl!);
        await client.db(db).dropDatabase();
        await client.close();
      },
    };
  },
  { idempotent: true, skip: skipUnless('mongodb') },
);
