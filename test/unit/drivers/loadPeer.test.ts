// Optional peers (mongodb, ioredis): loaded on first use, a clear
// ConfigurationError naming the package when missing, and importing the
// package entry point loads neither.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { loadPeer } from '../../../src/drivers/loadPeer.js';
import { loadMongodb } from '../../../src/backends/mongodb/driver.js';
import { loadIoredis } from '../../../src/metrics/redis/driver.js';
import { ConfigurationError } from '../../../src/errors.js';

function missing(name: string): never {
  throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
}

describe('loadPeer', () => {
  test('returns the module the loader gives', () => {
    const module = { Redis: class {} };
    assert.equal(loadPeer('ioredis', 'url', 'ioredis 5 or 6', () => module), module);
  });

  test('a missing mongodb is a ConfigurationError naming the package and the option', () => {
    assert.throws(() => loadMongodb('url', missing), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.option, 'url');
      assert.match(error.message, /`mongodb` package \(mongodb 6 or 7\)/);
      assert.match(error.message, /npm install mongodb/);
      return true;
    });
  });

  test('a missing ioredis is a ConfigurationError naming the package', () => {
    assert.throws(() => loadIoredis('cluster', missing), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.option, 'cluster');
      assert.match(error.message, /npm install ioredis/);
      return true;
    });
  });

  test('any other failure of the driver is not disguised', () => {
    const broken = new TypeError('driver broke while loading');
    assert.throws(
      () =>
        loadPeer('mongodb', 'url', 'mongodb 6 or 7', () => {
          throw broken;
        }),
      (error: unknown) => error === broken,
    );
  });
});

describe('lazy drivers', () => {
  test('importing the package loads neither driver; creating a backend or store from a url loads its own', () => {
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const loaded = (name) => Object.keys(cache).some((path) => path.includes('/node_modules/' + name + '/'));
      const et = await import('./src/index.ts');
      const atImport = { mongodb: loaded('mongodb'), ioredis: loaded('ioredis') };
      const backend = new et.MongoBackend({ url: 'mongodb://127.0.0.1:1/', indexes: false });
      const store = new et.RedisCounterStore({ url: 'redis://127.0.0.1:1', redisOptions: { lazyConnect: true } });
      const afterUse = { mongodb: loaded('mongodb'), ioredis: loaded('ioredis') };
      await backend.close(100);
      await store.close(100);
      process.stdout.write(JSON.stringify({ atImport, afterUse }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    assert.deepEqual(JSON.parse(out), { atImport: { mongodb: false, ioredis: false }, afterUse: { mongodb: true, ioredis: true } });
  });
});
