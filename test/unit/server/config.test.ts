// The service configuration is checked at start: every error names its path;
// secrets come from environment references.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { createServer } from '../../../src/server/createServer.js';
import { resolveEnvRefs } from '../../../src/server/envRefs.js';
import { DEFAULT_SERVER_LIMITS, resolveServerSection } from '../../../src/server/ServerConfig.js';

function optionOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, String(error));
    return error.option;
  }
  assert.fail('expected a ConfigurationError');
}

async function optionOfAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, String(error));
    return error.option;
  }
  assert.fail('expected a ConfigurationError');
}

describe('server section', () => {
  test('defaults', () => {
    const resolved = resolveServerSection(undefined);
    assert.equal(resolved.host, '127.0.0.1');
    assert.equal(resolved.port, 8080);
    assert.deepEqual(resolved.limits, DEFAULT_SERVER_LIMITS);
    assert.equal(resolved.limits.bodyBytes, 1024 * 1024);
    assert.equal(resolved.limits.eventsPerRequest, 2000);
  });

  test('a bad value is refused with its path', () => {
    assert.equal(optionOf(() => resolveServerSection({ port: 70000 })), 'server.port');
    assert.equal(optionOf(() => resolveServerSection({ limits: { bodyBytes: 'big' } })), 'server.limits.bodyBytes');
    assert.equal(optionOf(() => resolveServerSection({ limits: { bodyByts: 1 } })), 'server.limits.bodyByts');
    assert.equal(optionOf(() => resolveServerSection({ keys: [{ id: 'a', scopes: ['write'] }] })), 'server.keys[0]');
    assert.equal(optionOf(() => resolveServerSection({ keys: [{ id: 'a', key: 'long-enough-key', scopes: ['admin'] }] })), 'server.keys[0].scopes[0]');
    assert.equal(optionOf(() => resolveServerSection({ keys: [{ id: 'a', sha256: 'abc', scopes: ['read'] }] })), 'server.keys[0].sha256');
    assert.equal(optionOf(() => resolveServerSection({ keys: [{ key: 'long-enough-key', scopes: ['read'] }] })), 'server.keys[0].id');
    assert.equal(
      optionOf(() => resolveServerSection({ keys: [{ id: 'a', key: 'long-enough-key', scopes: ['read'] }, { id: 'a', key: 'another-long-key', scopes: ['read'] }] })),
      'server.keys[1].id',
    );
    assert.equal(optionOf(() => resolveServerSection({ limits: { rateLimit: { perSecond: 0, burst: 1 } } })), 'server.limits.rateLimit.perSecond');
  });

  test('createServer names the section and the option at fault, before opening anything', async () => {
    assert.equal(await optionOfAsync(() => createServer({ server: { limits: { eventsPerRequest: 0 } } })), 'server.limits.eventsPerRequest');
    assert.equal(await optionOfAsync(() => createServer({ servr: {} } as never)), 'servr');
    assert.equal(await optionOfAsync(() => createServer({ tracker: { backends: { x: { type: 'kafka' } } }, server: { port: 0 } })), 'tracker.backends.x.type');
    assert.equal(
      await optionOfAsync(() => createServer({ tracker: { backends: { log: { type: 'logger', options: { path: 3 } } } } as never, server: { port: 0 } })),
      'tracker.backends.log.options.path',
    );
    assert.equal(await optionOfAsync(() => createServer({ metrics: { store: { type: 'etcd' } }, server: { port: 0 } })), 'metrics.store.type');
    assert.equal(await optionOfAsync(() => createServer({ server: { port: 0, trustProxy: 'not-an-address' } })), 'server.trustProxy');
    assert.equal(
      await optionOfAsync(() => createServer({ metrics: { store: { type: 'redis', options: { url: { env: 'ET_TEST_UNSET_VAR' } } } } as never, server: { port: 0 } }, { env: {} })),
      'metrics.store.options.url',
    );
  });
});

describe('environment references', () => {
  test('{ env } is replaced by the variable, { env, default } falls back, other objects are kept', () => {
    const resolved = resolveEnvRefs(
      { a: { env: 'A' }, list: [{ env: 'B', default: 'b0' }], keep: { env: 'A', other: 1 }, nested: { deep: { env: 'A' } } },
      { A: 'secret' },
    );
    assert.deepEqual(resolved, { a: 'secret', list: ['b0'], keep: { env: 'A', other: 1 }, nested: { deep: 'secret' } });
  });

  test('an unset variable without a default names the path', () => {
    assert.equal(optionOf(() => resolveEnvRefs({ server: { keys: [{ key: { env: 'NOPE' } }] } }, {})), 'server.keys[0].key');
  });
});
