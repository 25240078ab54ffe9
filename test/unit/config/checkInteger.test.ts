import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInteger } from '../../../src/config/checkInteger.js';
import { resolveDeliveryOptions } from '../../../src/delivery/DeliveryOptions.js';
import { ConfigurationError } from '../../../src/errors.js';
import { resolveRequestTracking } from '../../../src/integrations/resolveOptions.js';
import { resolveMetricsOptions } from '../../../src/metrics/MetricsOptions.js';
import { resolveRedisCounterStoreOptions } from '../../../src/metrics/redis/RedisCounterStoreOptions.js';
import { Router } from '../../../src/routing/Router.js';
import { resolveTrackerOptions } from '../../../src/tracker/TrackerOptions.js';

const tracker = { emit: () => undefined, context: <R>(_n: string, _c: object, fn: () => R) => fn() };

describe('checkInteger: one integer check, one message style', () => {
  it('accepts integers within bounds; names the option otherwise', () => {
    assert.equal(checkInteger('a', 5, { min: 1 }), 5);
    for (const [value, bounds, message] of [
      [0, { min: 1 }, 'expected an integer ≥ 1, got 0'],
      [1.5, {}, 'expected an integer ≥ 0, got 1.5'],
      ['3', {}, 'expected an integer ≥ 0, got "3"'],
      [NaN, {}, 'expected an integer ≥ 0, got NaN'],
      [11, { min: 1, max: 10 }, 'expected an integer from 1 to 10, got 11'],
    ] as const) {
      assert.throws(() => checkInteger('x.y', value, bounds), (e: unknown) => e instanceof ConfigurationError && e.option === 'x.y' && e.message.endsWith(message));
    }
  });

  it('tracker, metrics, middleware, delivery, Redis store, router and trustProxy options all say it the same way', () => {
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => resolveTrackerOptions({ maxEventSize: 0 }), 'maxEventSize', /expected an integer ≥ 1, got 0$/],
      [() => resolveMetricsOptions({ flushIntervalMs: 0 }), 'flushIntervalMs', /expected an integer ≥ 1, got 0$/],
      [() => resolveRequestTracking(tracker, { maxValueLength: 0 }), 'maxValueLength', /expected an integer ≥ 1, got 0$/],
      [() => resolveRequestTracking(tracker, { trustProxy: -1 }), 'trustProxy', /expected an integer ≥ 0, got -1$/],
      [() => resolveDeliveryOptions({ batchSize: 0 }), 'delivery.batchSize', /expected an integer ≥ 1, got 0$/],
      [() => resolveRedisCounterStoreOptions({ url: 'redis://127.0.0.1:1', maxItemsPerScript: 0 }), 'maxItemsPerScript', /expected an integer from 1 to \d+, got 0$/],
      [() => new Router({ routes: [{ backend: () => undefined }], retryMemory: -1 }), 'retryMemory', /expected an integer ≥ 0, got -1$/],
    ];
    for (const [make, option, message] of cases) {
      assert.throws(make, (e: unknown) => e instanceof ConfigurationError && e.option.endsWith(option) && message.test(e.message), option);
    }
  });
});
