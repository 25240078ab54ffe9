import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryError } from '../../../../src/errors.js';
import { foldRollup, mayBeUnsupported, rollupGroupStage } from '../../../../src/backends/mongodb/rollup.js';

describe('rollupGroupStage', () => {
  test('portable: groups by value and exact timestamp, counting with $sum', () => {
    assert.deepEqual(rollupGroupStage({ granularity: 'day' }, false), {
      $group: { _id: { k: '$name', t: '$timestamp' }, n: { $sum: 1 } },
    });
  });

  test('server: truncates with $dateTrunc in the time zone, weeks from Monday', () => {
    assert.deepEqual(rollupGroupStage({ granularity: 'week', groupBy: 'context.user_id', timeZone: 'Europe/Paris' }, true), {
      $group: {
        _id: { k: '$context.user_id', t: { $dateTrunc: { date: '$timestamp', unit: 'week', timezone: 'Europe/Paris', startOfWeek: 'monday' } } },
        n: { $sum: 1 },
      },
    });
  });

  test('groupBy must be name or a safe context/data path', () => {
    for (const groupBy of ['$name', 'context.$x', 'timestamp', 'data', 'context..x']) {
      assert.throws(() => rollupGroupStage({ granularity: 'day', groupBy }, false), (e: unknown) => e instanceof QueryError && e.field === 'groupBy');
    }
  });

  test('groupBy a path through keys stored escaped groups on the stored path', () => {
    assert.deepEqual(rollupGroupStage({ granularity: 'day', groupBy: 'data.q.utm~dsource' }, false), {
      $group: { _id: { k: '$data.q.utm~dsource', t: '$timestamp' }, n: { $sum: 1 } },
    });
    assert.deepEqual(rollupGroupStage({ granularity: 'day', groupBy: 'data.a~b' }, false), {
      $group: { _id: { k: '$data.a~tb', t: '$timestamp' }, n: { $sum: 1 } },
    });
  });
});

describe('foldRollup', () => {
  const t = (iso: string) => new Date(iso);

  test('an object key comes back with its keys decoded', () => {
    const rows = foldRollup([{ _id: { k: { 'a~db': 1, '~sx': [{ '~t': 2 }] }, t: t('2024-01-01T10:00:00Z') }, n: 3 }], { granularity: 'day' });
    assert.deepStrictEqual(rows.map((r) => r.key), [{ 'a.b': 1, $x: [{ '~': 2 }] }]);
  });

  test('adds rows of the same bucket and key, sorts by bucket then key', () => {
    const rows = [
      { _id: { k: 'b', t: t('2024-01-02T10:00:00Z') }, n: 2 },
      { _id: { k: 'a', t: t('2024-01-02T23:00:00Z') }, n: 1 },
      { _id: { k: 'b', t: t('2024-01-02T11:00:00Z') }, n: 3 },
      { _id: { k: 'a', t: t('2024-01-01T00:00:00Z') }, n: 4 },
      { _id: { t: t('2024-01-01T05:00:00Z') }, n: 1 },
    ];
    assert.deepEqual(foldRollup(rows, { granularity: 'day' }), [
      { bucket: t('2024-01-01T00:00:00Z'), label: '2024-01-01', key: 'a', count: 4 },
      { bucket: t('2024-01-01T00:00:00Z'), label: '2024-01-01', key: null, count: 1 },
      { bucket: t('2024-01-02T00:00:00Z'), label: '2024-01-02', key: 'a', count: 1 },
      { bucket: t('2024-01-02T00:00:00Z'), label: '2024-01-02', key: 'b', count: 5 },
    ]);
  });

  test('the time zone moves events across day boundaries', () => {
    const rows = [{ _id: { k: 'x', t: t('2024-01-02T23:30:00Z') }, n: 1 }];
    assert.equal(foldRollup(rows, { granularity: 'day', timeZone: 'Europe/Paris' })[0]!.label, '2024-01-03');
    assert.equal(foldRollup(rows, { granularity: 'day', timeZone: 'America/New_York' })[0]!.label, '2024-01-02');
  });

  test('numeric keys sort as numbers; non-date timestamps are skipped', () => {
    const rows = [
      { _id: { k: 10, t: t('2024-01-01T00:00:00Z') }, n: 1 },
      { _id: { k: 9, t: t('2024-01-01T00:00:00Z') }, n: 1 },
      { _id: { k: 1, t: '2024-01-01' }, n: 1 },
    ];
    assert.deepEqual(foldRollup(rows, { granularity: 'year' }).map((r) => r.key), [9, 10]);
  });
});

describe('mayBeUnsupported', () => {
  test('server errors may mean a missing operator; network errors do not', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    assert.equal(mayBeUnsupported(named('MongoServerError')), true);
    assert.equal(mayBeUnsupported(named('MongoUnexpectedServerResponseError')), true);
    assert.equal(mayBeUnsupported(named('MongoNetworkError')), false);
    assert.equal(mayBeUnsupported(named('MongoServerSelectionError')), false);
    assert.equal(mayBeUnsupported(undefined), false);
  });
});
