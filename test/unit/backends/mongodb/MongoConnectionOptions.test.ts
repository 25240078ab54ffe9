import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { ConfigurationError } from '../../../../src/errors.js';
import { DEFAULT_MONGO_COLLECTION, DEFAULT_MONGO_DB, resolveConnection } from '../../../../src/backends/mongodb/MongoConnectionOptions.js';

function option(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.option;
  }
  assert.fail('expected a ConfigurationError');
}

describe('resolveConnection', () => {
  test('creates (and owns) a client from a URL without connecting', async () => {
    const c = resolveConnection({ url: 'mongodb://127.0.0.1:1/' });
    assert.ok(c.client instanceof MongoClient);
    assert.equal(c.ownsClient, true);
    assert.equal(c.db, DEFAULT_MONGO_DB);
    assert.equal(c.collection, DEFAULT_MONGO_COLLECTION);
    await c.client.close();
  });

  test('uses a given client without owning it', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:1/');
    const c = resolveConnection({ client, db: 'app', collection: 'audit' });
    assert.equal(c.client, client);
    assert.equal(c.ownsClient, false);
    assert.equal(c.db, 'app');
    assert.equal(c.collection, 'audit');
    await client.close();
  });

  test('needs exactly one of url and client', () => {
    assert.equal(option(() => resolveConnection({})), 'url');
    assert.equal(option(() => resolveConnection({ url: 'mongodb://127.0.0.1:1/', client: new MongoClient('mongodb://127.0.0.1:1/') })), 'url');
  });

  test('refuses bad URLs, clients and names', () => {
    assert.equal(option(() => resolveConnection({ url: 'http://127.0.0.1/' })), 'url');
    assert.equal(option(() => resolveConnection({ client: {} as never })), 'client');
    assert.equal(option(() => resolveConnection({ url: 'mongodb://127.0.0.1:1/', db: 'a.b' })), 'db');
    assert.equal(option(() => resolveConnection({ url: 'mongodb://127.0.0.1:1/', db: '' })), 'db');
    assert.equal(option(() => resolveConnection({ url: 'mongodb://127.0.0.1:1/', collection: '$cmd' })), 'collection');
  });
});
