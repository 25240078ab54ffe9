import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigurationError } from '../../../../src/errors.js';
import { DEFAULT_MONGO_BACKEND_OPTIONS, resolveMongoBackendOptions } from '../../../../src/backends/mongodb/MongoBackendOptions.js';

function rejects(options: Parameters<typeof resolveMongoBackendOptions>[0], option: string): void {
  assert.throws(() => resolveMongoBackendOptions(options), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError);
    assert.equal(error.option, option);
    return true;
  });
}

describe('resolveMongoBackendOptions', () => {
  test('defaults: acknowledged writes, indexes on, no context indexes, no retention', () => {
    const o = resolveMongoBackendOptions({});
    assert.deepEqual(o.writeConcern, { w: 1 });
    assert.equal(o.indexes, true);
    assert.deepEqual(o.contextIndexes, []);
    assert.equal(o.retentionSeconds, undefined);
    assert.deepEqual(DEFAULT_MONGO_BACKEND_OPTIONS.writeConcern, { w: 1 });
  });

  test('refuses w: 0 and names the option', () => {
    rejects({ writeConcern: { w: 0 } }, 'writeConcern.w');
    assert.throws(() => resolveMongoBackendOptions({ writeConcern: { w: 0 } }), /lose events/);
  });

  test('accepts majority and larger w, keeps other write concern fields', () => {
    assert.deepEqual(resolveMongoBackendOptions({ writeConcern: { w: 'majority', wtimeoutMS: 500 } }).writeConcern, { w: 'majority', wtimeoutMS: 500 });
    assert.deepEqual(resolveMongoBackendOptions({ writeConcern: { journal: true } }).writeConcern, { w: 1, journal: true });
    rejects({ writeConcern: { w: -1 } }, 'writeConcern.w');
    rejects({ writeConcern: { w: 1.5 } }, 'writeConcern.w');
  });

  test('context index paths: plain or with a context. prefix; $ and empty segments refused', () => {
    assert.deepEqual(resolveMongoBackendOptions({ contextIndexes: ['user_id', 'context.org.id'] }).contextIndexes, ['user_id', 'org.id']);
    rejects({ contextIndexes: ['ok', '$where'] }, 'contextIndexes[1]');
    rejects({ contextIndexes: ['a..b'] }, 'contextIndexes[0]');
    rejects({ contextIndexes: [''] }, 'contextIndexes[0]');
    rejects({ contextIndexes: [3 as never] }, 'contextIndexes[0]');
  });

  test('retention must be a positive whole number of seconds', () => {
    assert.equal(resolveMongoBackendOptions({ retentionSeconds: 86_400 }).retentionSeconds, 86_400);
    rejects({ retentionSeconds: 0 }, 'retentionSeconds');
    rejects({ retentionSeconds: 1.5 }, 'retentionSeconds');
  });

  test('indexes and onIndexError types are checked', () => {
    rejects({ indexes: 'yes' as never }, 'indexes');
    rejects({ onIndexError: 'log' as never }, 'onIndexError');
  });
});
