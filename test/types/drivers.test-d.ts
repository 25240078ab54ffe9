// Type tests, checked by `tsc --noEmit` (npm run typecheck): the
// application's own driver clients of both supported majors fit the public
// types, whatever copy of the driver eventtrack sees.
import { MongoClient as MongoClient7 } from 'mongodb';
import { MongoClient as MongoClient6 } from 'mongodb6';
import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis';
import { Cluster as Cluster5, Redis as Redis5 } from 'ioredis5';
import { MongoBackend, MongoEventStore, RedisCounterStore } from '../../src/index.js';

const mongo7 = new MongoClient7('mongodb://127.0.0.1:27017/');
const mongo6 = new MongoClient6('mongodb://127.0.0.1:27017/');
const backend7 = new MongoBackend({ client: mongo7, writeConcern: { w: 'majority' } });
const backend6 = new MongoBackend({ client: mongo6 });
new MongoEventStore({ client: mongo7 });
new MongoEventStore({ client: mongo6, db: backend6.db });
// `client` keeps the application's type.
const same7: MongoClient7 = backend7.client;
const same6: MongoClient6 = backend6.client;
// A store can share the client a backend created.
new MongoEventStore({ client: new MongoBackend({ url: 'mongodb://127.0.0.1:27017/' }).client });
// Driver options pass through untouched.
new MongoBackend({ url: 'mongodb://127.0.0.1:27017/', clientOptions: { serverSelectionTimeoutMS: 500 } });

const store6 = new RedisCounterStore({ client: new Redis6() });
const store5 = new RedisCounterStore({ client: new Redis5() });
new RedisCounterStore({ client: new Cluster6([{ host: '127.0.0.1', port: 7000 }]) });
new RedisCounterStore({ client: new Cluster5([{ host: '127.0.0.1', port: 7000 }]) });
new RedisCounterStore({ url: 'redis://127.0.0.1:6379', redisOptions: { maxRetriesPerRequest: 1 } });
const redis6: Redis6 = store6.client;
const redis5: Redis5 = store5.client;

// @ts-expect-error — not a client
new MongoBackend({ client: { db: 1 } });
// @ts-expect-error — not an ioredis client
new RedisCounterStore({ client: {} });

void [same7, same6, redis6, redis5];
