import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryError } from '../../../../src/errors.js';
import { BucketCalendar } from '../../../../src/backends/mongodb/timeBuckets.js';

function bucket(granularity: 'day' | 'week' | 'month' | 'year', timeZone: string, iso: string): [string, string] {
  const b = new BucketCalendar(granularity, timeZone).bucketOf(new Date(iso));
  return [b.start.toISOString(), b.label];
}

describe('BucketCalendar', () => {
  test('UTC buckets', () => {
    assert.deepEqual(bucket('day', 'UTC', '2024-03-10T05:00:00Z'), ['2024-03-10T00:00:00.000Z', '2024-03-10']);
    assert.deepEqual(bucket('month', 'UTC', '2024-02-29T23:59:59.999Z'), ['2024-02-01T00:00:00.000Z', '2024-02']);
    assert.deepEqual(bucket('year', 'UTC', '2024-12-31T23:59:59Z'), ['2024-01-01T00:00:00.000Z', '2024']);
  });

  test('daylight saving time: a New York day starts at 05:00Z in winter and 04:00Z in summer', () => {
    assert.deepEqual(bucket('day', 'America/New_York', '2024-03-10T12:00:00Z'), ['2024-03-10T05:00:00.000Z', '2024-03-10']);
    assert.deepEqual(bucket('day', 'America/New_York', '2024-03-11T03:59:00Z'), ['2024-03-10T05:00:00.000Z', '2024-03-10']);
    assert.deepEqual(bucket('day', 'America/New_York', '2024-03-11T04:00:00Z'), ['2024-03-11T04:00:00.000Z', '2024-03-11']);
    assert.deepEqual(bucket('month', 'Europe/Paris', '2024-10-31T23:30:00Z'), ['2024-10-31T23:00:00.000Z', '2024-11']);
    assert.deepEqual(bucket('year', 'Europe/Paris', '2024-12-31T23:30:00Z'), ['2024-12-31T23:00:00.000Z', '2025']);
  });

  test('ISO weeks start on Monday and take the year of their Thursday', () => {
    assert.deepEqual(bucket('week', 'UTC', '2021-01-03T12:00:00Z'), ['2020-12-28T00:00:00.000Z', '2020-W53']);
    assert.deepEqual(bucket('week', 'UTC', '2021-01-04T00:00:00Z'), ['2021-01-04T00:00:00.000Z', '2021-W01']);
    assert.deepEqual(bucket('week', 'UTC', '2024-12-31T10:00:00Z'), ['2024-12-30T00:00:00.000Z', '2025-W01']);
    assert.deepEqual(bucket('week', 'UTC', '2026-01-01T00:00:00Z'), ['2025-12-29T00:00:00.000Z', '2026-W01']);
    assert.deepEqual(bucket('week', 'UTC', '2024-06-16T23:59:59Z'), ['2024-06-10T00:00:00.000Z', '2024-W24']);
  });

  test('matches a fixed-offset computation (Asia/Kolkata, +05:30) on many instants', () => {
    const offset = 5.5 * 3_600_000;
    const day = 86_400_000;
    const calendar = new BucketCalendar('day', 'Asia/Kolkata');
    let seed = 42;
    for (let i = 0; i < 2_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = Date.UTC(2023, 0, 1) + (seed % (400 * day));
      const expected = Math.floor((ms + offset) / day) * day - offset;
      const got = calendar.bucketOf(new Date(ms));
      assert.equal(got.start.getTime(), expected, new Date(ms).toISOString());
      assert.equal(got.label, new Date(expected + offset).toISOString().slice(0, 10));
    }
  });

  test('unknown time zone or granularity is a QueryError naming it', () => {
    assert.throws(() => new BucketCalendar('day', 'Mars/Olympus'), (e: unknown) => e instanceof QueryError && e.field === 'timeZone');
    assert.throws(() => new BucketCalendar('hour' as never, 'UTC'), (e: unknown) => e instanceof QueryError && e.field === 'granularity');
  });
});
