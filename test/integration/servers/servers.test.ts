// Smoke test of the test servers themselves: each kind scripts/run-tests.ts
// provides answers, and a restartable FerretDB keeps its data across restarts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { mongodbUrl, redisClusterNodes, redisUrl, skipUnless, skipUnlessBinary, uniqueDbName, uniquePrefix } from '../../support/env.js';
import { startFerretDB, type FerretDBServer } from '../../support/servers.js';

describe('standalone redis', { skip: skipUnless('redis') }, () => {
  let redis: Redis;
  before(() => {
    redis = new Redis(redisUrl!, { lazyConnect: true });
  });
  after(async () => {
    await redis.quit();
  });

  test('answers PING and stores a key', async () => {
    await redis.connect();
    assert.equal(await redis.ping(), 'PONG');
    const key = uniquePrefix('smoke');
    await redis.set(key, 'v', 'EX', 60);
    assert.equal(await redis.get(key), 'v');
  });
});

describe('redis cluster', { skip: skipUnless('cluster') }, () => {
  let cluster: Cluster;
  before(() => {
    cluster = new Cluster(redisClusterNodes!, { lazyConnect: true });
  });
  after(async () => {
    await cluster.quit();
  });

  test('is ok and takes a write on every master', async () => {
    await cluster.connect();
    const info = await cluster.cluster('INFO');
    assert.match(String(info), /cluster_state:ok/);
    const masters = cluster.nodes('master');
    assert.equal(masters.length, 3);
    // Keys spread over the 16384 slots until every master has taken one.
    const written = new Set<string>();
    const prefix = uniquePrefix('smoke');
    for (let i = 0; i < 100 && written.size < masters.length; i++) {
      const key = `${prefix}:${i}`;
      await cluster.set(key, String(i), 'EX', 60);
      const slot = Number(await cluster.cluster('KEYSLOT', key));
      written.add(String(slotOwner(await cluster.cluster('SLOTS'), slot)));
      assert.equal(await cluster.get(key), String(i));
    }
    assert.equal(written.size, masters.length);
  });
});

/** The `host:port` of the master serving `slot`, from a CLUSTER SLOTS reply. */
function slotOwner(reply: unknown, slot: number): string {
  for (const range of reply as [number, number, [string, number, ...unknown[]], ...unknown[]][]) {
    if (slot >= range[0] && slot <= range[1]) return `${range[2][0]}:${range[2][1]}`;
  }
  throw new Error(`no owner for slot ${slot}`);
}

describe('mongodb (FerretDB)', { skip: skipUnless('mongodb') }, () => {
  let client: MongoClient;
  const dbName = uniqueDbName('smoke');
  before(() => {
    client = new MongoClient(mongodbUrl!, { serverSelectionTimeoutMS: 5_000 });
  });
  after(async () => {
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });

  test('answers ping, inserts and finds', async () => {
    const db = client.db(dbName);
    assert.equal((await db.command({ ping: 1 }))['ok'], 1);
    const when = new Date('2024-05-06T07:08:09.010Z');
    await db.collection('things').insertOne({ _id: 'a' as never, n: 1, nested: { x: [1, 2] }, when });
    const found = await db.collection('things').findOne({ _id: 'a' as never });
    assert.deepEqual(found, { _id: 'a', n: 1, nested: { x: [1, 2] }, when });
  });
});

describe('restartable FerretDB', { skip: skipUnlessBinary('ferretdb') }, () => {
  let server: FerretDBServer;
  let client: MongoClient;
  before(async () => {
    server = await startFerretDB();
    client = new MongoClient(server.url, { serverSelectionTimeoutMS: 10_000 });
  });
  after(async () => {
    await client.close();
    await server.stop();
  });

  test('keeps data across halt() and start() on the same port', async () => {
    const things = client.db('smoke').collection('things');
    await things.insertOne({ _id: 'before' as never });
    await server.halt();
    assert.equal(await canConnect(server.port), false);
    await server.start();
    await things.insertOne({ _id: 'after' as never });
    const ids = (await things.find().toArray()).map((d) => d._id).sort();
    assert.deepEqual(ids, ['after', 'before']);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
