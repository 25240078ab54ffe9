import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationError } from '../../../../src/errors.js';
import { DEFAULT_SPILL_OPTIONS, resolveSpillOptions } from '../../../../src/delivery/spill/SpillOptions.js';
import { SpillLog } from '../../../../src/delivery/spill/SpillLog.js';

test('defaults: overflow mode, 1 GiB, 16 MiB segments, fsync every second', () => {
  assert.deepEqual(resolveSpillOptions({ dir: '/tmp/x' }), { dir: '/tmp/x', ...DEFAULT_SPILL_OPTIONS });
  assert.equal(DEFAULT_SPILL_OPTIONS.maxBytes, 1024 ** 3);
  assert.equal(DEFAULT_SPILL_OPTIONS.segmentBytes, 16 * 1024 ** 2);
  assert.equal(DEFAULT_SPILL_OPTIONS.fsync, 'interval');
  assert.equal(DEFAULT_SPILL_OPTIONS.fsyncIntervalMs, 1000);
  assert.ok(Object.isFrozen(DEFAULT_SPILL_OPTIONS));
});

test('segments default to an eighth of a smaller maxBytes, so that a small spill still rolls and frees its segments', () => {
  assert.equal(resolveSpillOptions({ dir: '/x', maxBytes: 64 * 1024 ** 2 }).segmentBytes, 8 * 1024 ** 2);
  assert.equal(resolveSpillOptions({ dir: '/x', maxBytes: 1024 ** 4 }).segmentBytes, 16 * 1024 ** 2);
  assert.equal(resolveSpillOptions({ dir: '/x', maxBytes: 4096, segmentBytes: 2048 }).segmentBytes, 2048);
});

test('the constructor rejects each bad option with a ConfigurationError naming it', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'delivery.spill.dir'],
    [{ dir: '' }, 'delivery.spill.dir'],
    [{ dir: '/tmp/x', mode: 'sometimes' }, 'delivery.spill.mode'],
    [{ dir: '/tmp/x', maxBytes: 0 }, 'delivery.spill.maxBytes'],
    [{ dir: '/tmp/x', maxBytes: 1000 }, 'delivery.spill.maxBytes'],
    [{ dir: '/tmp/x', maxBytes: 1024 ** 3, segmentBytes: 1024 ** 3 / 2 + 1 }, 'delivery.spill.segmentBytes'],
    [{ dir: '/tmp/x', maxBytes: 1.5 }, 'delivery.spill.maxBytes'],
    [{ dir: '/tmp/x', segmentBytes: 10 }, 'delivery.spill.segmentBytes'],
    [{ dir: '/tmp/x', segmentBytes: 2 ** 32 }, 'delivery.spill.segmentBytes'],
    [{ dir: '/tmp/x', fsync: true }, 'delivery.spill.fsync'],
    [{ dir: '/tmp/x', fsyncIntervalMs: -1 }, 'delivery.spill.fsyncIntervalMs'],
  ];
  for (const [options, option] of cases) {
    assert.throws(
      () => new SpillLog('b', options as never),
      (error: unknown) => error instanceof ConfigurationError && error.option === option && error.message.includes(option),
      `${JSON.stringify(options)} → ${option}`,
    );
  }
  assert.throws(() => new SpillLog('b', { dir: '' }, 'backends.mongo.delivery.spill'), /backends\.mongo\.delivery\.spill\.dir/);
});

test('each backend gets its own subfolder, its name encoded', () => {
  assert.equal(new SpillLog('mongo', { dir: '/s' }).folder, '/s/mongo');
  assert.equal(new SpillLog('a/b', { dir: '/s' }).folder, '/s/a%2Fb');
  assert.equal(new SpillLog('..', { dir: '/s' }).folder, '/s/%2E%2E');
});
