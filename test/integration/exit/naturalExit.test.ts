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

/** Runs a fixture; resolves with its exit code and how long it ran, or kills it after `limitMs`. */
function run(fixture: string, args: string[], limitMs: number): Promise<{ code: number | null; ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, fixture), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, ms: Date.now() - started, stdout, stderr });
    });
  });
}

describe('natural exit with a MongoDB backend from a url', { skip: skipUnless('mongodb') }, () => {
  test('exits on its own within the idle close after the last send, all 500 events stored', async () => {
    const db = uniqueDbName('exit');
    // ~1.5 s of work, the last send, then the idle close (5 s by default); tsx start-up on a busy machine on top.
    const bound = 1_500 + DEFAULT_MONGO_IDLE_CLOSE_MS + 8_000;
    const result = await run('exit-mongo.ts', [mongodbUrl!, db], bound + 10_000);
    const client = new MongoClient(mongodbUrl!);
    try {
      assert.equal(result.code, 0, `exit code ${result.code} after ${result.ms} ms; stderr: ${result.stderr}`);
      assert.ok(result.ms < bound, `took ${result.ms} ms to exit`);
      assert.equal(await client.db(db).collection('events').countDocuments(), 500);
    } finally {
      await client.db(db).dropDatabase().catch(() => undefined);
      await client.close();
    }
  });
});

describe('natural exit with a RedisCounterStore from a url', { skip: skipUnless('redis') }, () => {
  test('exits on its own right after its work, all 1000 increments applied', async () => {
    const prefix = `${uniquePrefix('exit')}:`;
    const bound = 1_500 + 8_000; // the work, plus tsx start-up on a busy machine; no idle wait at all
    const result = await run('exit-redis.ts', [redisUrl!, prefix], bound + 10_000);
    const client = new Redis(redisUrl!);
    try {
      assert.equal(result.code, 0, `exit code ${result.code} after ${result.ms} ms; stderr: ${result.stderr}`);
      assert.ok(result.ms < bound, `took ${result.ms} ms to exit`);
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
