// Issue #10.2: a process whose work is done exits on its own, promptly, with
// every event delivered, when it uses connections the SDK opened (MongoBackend
// from a url, RedisCounterStore from a url) and never closes them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { Redis } from 'ioredis';
import { DEFAULT_MONGO_IDLE_CLOSE_MS } from '../../../src/backends/mongodb/MongoConnectionOptions.js';
import { mongodbUrl, redisUrl, skipUnless, uniqueDbName, uniquePrefix } from '../../support/env.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/**
 * Runs a fixture; resolves with its exit code and `ms`, the time from the end
 * of its work (it prints "done") to its exit (start-up time on a loaded
 * machine does not count), or kills it `limitMs` after "done".
 */
function run(fixture: string, args: string[], limitMs: number): Promise<{ code: number | null; ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let doneAt: number | undefined;
    const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, fixture), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (doneAt === undefined && stdout.includes('done')) {
        doneAt = Date.now();
        clearTimeout(killer);
        killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, ms: doneAt === undefined ? NaN : Date.now() - doneAt, stdout, stderr });
    });
  });
}

describe('natural exit with a MongoDB backend from a url', { skip: skipUnless('mongodb') }, () => {
  test('exits on its own within the idle close after the last send, all 500 events stored', async (t) => {
    const db = uniqueDbName('exit');
    // After the work: the last send, then the idle close (3 s by default), with slack for a loaded machine.
    const bound = DEFAULT_MONGO_IDLE_CLOSE_MS + 4_000;
    const result = await run('exit-mongo.ts', [mongodbUrl!, db], bound + 10_000);
    const client = new MongoClient(mongodbUrl!);
    try {
      t.diagnostic(`exited ${result.ms} ms after its work`);
      assert.equal(result.code, 0, `exit code ${result.code} after ${result.ms} ms; stderr: ${result.stderr}`);
      assert.ok(result.ms < bound, `took ${result.ms} ms to exit after its work`);
      assert.equal(await client.db(db).collection('events').countDocuments(), 500);
    } finally {
      await client.db(db).dropDatabase().catch(() => undefined);
      await client.close();
    }
  });
});

describe('natural exit with a RedisCounterStore from a url', { skip: skipUnless('redis') }, () => {
  test('exits on its own right after its work, all 1000 increments applied', async (t) => {
    const prefix = `${uniquePrefix('exit')}:`;
    const bound = 3_000; // the exit flush's round trip, with slack for a loaded machine; no idle wait at all
    const result = await run('exit-redis.ts', [redisUrl!, prefix], bound + 10_000);
    const client = new Redis(redisUrl!);
    try {
      t.diagnostic(`exited ${result.ms} ms after its work`);
      assert.equal(result.code, 0, `exit code ${result.code} after ${result.ms} ms; stderr: ${result.stderr}`);
      assert.ok(result.ms < bound, `took ${result.ms} ms to exit after its work`);
      const keys = await client.keys(`${prefix}*`);
      let total = 0;
      for (const key of keys) {
        if ((await client.type(key)) !== 'hash') continue;
        for (const value of Object.values(await client.hgetall(key))) total += Number(value);
      }
      assert.equal(total, 1000, `keys: ${keys.join(', ')}`);
    } finally {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    }
  });
});
