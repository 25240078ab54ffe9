// The client life cycle of MongoBackend / MongoEventStore against a scripted
// client (no server): explicit connect, reconnect after a closed topology,
// idle close, close before exit, close with a deadline.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MongoConnection } from '../../../../src/backends/mongodb/MongoConnection.js';
import type { MongoClientLike, MongoDriverClient } from '../../../../src/backends/mongodb/driver.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

/** A client that records connect/close calls; `connectFails` connects fail before succeeding. */
function scriptedClient(options: { connectFails?: number; closeHangs?: boolean } = {}) {
  const log: string[] = [];
  let fails = options.connectFails ?? 0;
  const client = {
    db: () => ({ collection: () => ({}) }),
    async connect() {
      log.push('connect');
      if (fails-- > 0) throw named('MongoServerSelectionError', 'connect ECONNREFUSED');
      return client;
    },
    close(force?: boolean) {
      log.push(force === true ? 'close!' : 'close');
      return options.closeHangs === true && force !== true ? new Promise<void>(() => undefined) : Promise.resolve();
    },
  };
  return { client, log };
}

/** A connection that owns `client` (as if created from a url). */
function owned(client: object, idleCloseMs = Infinity): MongoConnection {
  return new MongoConnection({ url: 'mongodb://127.0.0.1:1/' }, () => ({
    client: client as unknown as MongoDriverClient,
    ownsClient: true,
    db: 'eventtrack',
    collection: 'events',
    idleCloseMs,
  }));
}

describe('MongoConnection', () => {
  test('connects explicitly before the first operation, once', async () => {
    const { client, log } = scriptedClient();
    const connection = owned(client);
    assert.equal(await connection.run(async () => 'a'), 'a');
    assert.equal(await connection.run(async () => 'b'), 'b');
    assert.deepEqual(log, ['connect']);
    await connection.close(100);
  });

  test('a failed connect is tried again by the next operation (the database started late)', async () => {
    const { client, log } = scriptedClient({ connectFails: 2 });
    const connection = owned(client);
    await assert.rejects(connection.run(async () => 'x'), { name: 'MongoServerSelectionError' });
    await assert.rejects(connection.run(async () => 'x'), { name: 'MongoServerSelectionError' });
    assert.equal(await connection.run(async () => 'stored'), 'stored');
    assert.deepEqual(log, ['connect', 'connect', 'connect']);
    await connection.close(100);
  });

  test('an operation that finds the topology closed reconnects and runs once more', async () => {
    const { client, log } = scriptedClient();
    const connection = owned(client);
    let calls = 0;
    const result = await connection.run(async () => {
      calls += 1;
      if (calls === 1) throw named('MongoTopologyClosedError', 'Topology is closed');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(calls, 2);
    assert.deepEqual(log, ['connect', 'connect']);
    await connection.close(100);
  });

  test("an application's client is never connected, reconnected or closed", async () => {
    const { client, log } = scriptedClient();
    const connection = new MongoConnection({ client: client as MongoClientLike });
    await assert.rejects(connection.run(async () => Promise.reject(named('MongoTopologyClosedError'))), { name: 'MongoTopologyClosedError' });
    await connection.close(100);
    assert.deepEqual(log, []);
  });

  test('an owned client is closed after idleCloseMs without operations, and reopened by the next one', async () => {
    const { client, log } = scriptedClient();
    const connection = owned(client, 30);
    await connection.run(async () => 1);
    await sleep(80);
    assert.deepEqual(log, ['connect', 'close']);
    await connection.run(async () => 2);
    assert.deepEqual(log, ['connect', 'close', 'connect']);
    await connection.close(100);
  });

  test('before exit, an idle owned client is closed at once; a busy one when its operations end', async () => {
    const { client, log } = scriptedClient();
    const connection = owned(client);
    let finish: () => void = () => undefined;
    const running = connection.run(() => new Promise<void>((resolve) => (finish = resolve)));
    await sleep(5);
    // What the process's beforeExit listener calls (emitting beforeExit here would upset the test runner).
    assert.ok(process.listenerCount('beforeExit') >= 1);
    connection.closeWhenIdle();
    assert.deepEqual(log, ['connect'], 'not while an operation runs');
    finish();
    await running;
    assert.deepEqual(log, ['connect', 'close']);
    await connection.close(100);
  });

  test('close(timeoutMs) returns by its deadline when the client does not close, then forces it', async () => {
    const { client, log } = scriptedClient({ closeHangs: true });
    const connection = owned(client);
    await connection.run(async () => 1);
    const started = Date.now();
    await connection.close(100);
    const took = Date.now() - started;
    assert.ok(took >= 90 && took < 1000, `close took ${took} ms`);
    assert.deepEqual(log, ['connect', 'close', 'close!']);
    await assert.rejects(connection.run(async () => 1), { code: 'ERR_EVENTTRACK_CLOSED' });
  });

  test('a store sharing the owned client keeps it open while it reads, and reopens it after an idle close', async () => {
    const { client, log } = scriptedClient();
    const owner = owned(client, 30);
    const sharer = new MongoConnection({ client: client as unknown as MongoClientLike });
    await owner.run(async () => 1);
    let finish: () => void = () => undefined;
    const reading = sharer.run(() => new Promise<void>((resolve) => (finish = resolve)));
    await sleep(80);
    assert.ok(!log.includes('close'), `not closed while the sharer reads: ${log.join(',')}`);
    finish();
    await reading;
    await sleep(80);
    assert.equal(log.filter((entry) => entry === 'close').length, 1, log.join(','));
    assert.equal(await sharer.run(async () => 'again'), 'again');
    assert.equal(log[log.length - 1], 'connect', 'the sharer reconnected the client');
    await sharer.close(100);
    await owner.close(100);
  });
});
