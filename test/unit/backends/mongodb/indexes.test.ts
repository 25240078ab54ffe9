import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventIndexes } from '../../../../src/backends/mongodb/indexes.js';

describe('eventIndexes', () => {
  test('context paths are indexed under their stored spelling (keys escaped as in documents)', () => {
    const keys = eventIndexes({ retentionSeconds: undefined, contextIndexes: ['user_id', 'a~b.c', 'utm~dsource'] }).map((i) => Object.keys(i.key)[0]);
    assert.deepStrictEqual(keys, ['name', 'timestamp', 'context.user_id', 'context.a~tb.c', 'context.utm~dsource']);
  });
});
