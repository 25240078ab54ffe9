import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryError } from '../../../../src/errors.js';
import { afterFilter, decodeCursor, eventCursor } from '../../../../src/backends/mongodb/cursorToken.js';

describe('event cursors', () => {
  const event = { id: '0190b4a2-7c3e-7000-8000-000000000001', timestamp: new Date('2024-07-01T10:00:00.123Z') };

  test('round trip through an opaque URL-safe token', () => {
    const token = eventCursor(event);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(token), event);
  });

  test('after-filter follows the sort direction, ties broken by id', () => {
    const token = eventCursor(event);
    assert.deepEqual(afterFilter(token, 'asc'), {
      $or: [{ timestamp: { $gt: event.timestamp } }, { timestamp: event.timestamp, _id: { $gt: event.id } }],
    });
    assert.deepEqual(afterFilter(token, 'desc'), {
      $or: [{ timestamp: { $lt: event.timestamp } }, { timestamp: event.timestamp, _id: { $lt: event.id } }],
    });
  });

  test('a forged or damaged token is a QueryError on `after`', () => {
    for (const bad of ['', 'not-a-cursor', Buffer.from('{"$gt":1}').toString('base64url'), Buffer.from('[1,{"$ne":null}]').toString('base64url')]) {
      assert.throws(() => decodeCursor(bad), (error: unknown) => error instanceof QueryError && error.field === 'after');
    }
  });

  test('a token whose instant is not a valid Date is refused (BSON would store it as 1970-01-01)', () => {
    const forged = Buffer.from(JSON.stringify([1e300, 'x'])).toString('base64url');
    assert.throws(() => decodeCursor(forged), (error: unknown) => error instanceof QueryError && error.field === 'after');
  });

  test('a token that is not a string is a QueryError, not a TypeError', () => {
    for (const bad of [42, null, { $gt: '' }]) {
      assert.throws(() => decodeCursor(bad as never), (error: unknown) => error instanceof QueryError && error.field === 'after');
    }
  });
});
