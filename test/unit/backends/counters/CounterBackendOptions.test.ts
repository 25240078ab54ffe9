import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CounterBackend } from '../../../../src/backends/counters/CounterBackend.js';
import { DEFAULT_COUNTER_BACKEND_OPTIONS } from '../../../../src/backends/counters/CounterBackendOptions.js';
import { ConfigurationError } from '../../../../src/errors.js';

describe('CounterBackend: options', () => {
  const bad: [string, () => unknown][] = [
    ['rules[0].match', () => new CounterBackend({ rules: [{} as never] })],
    ['rules[0].match', () => new CounterBackend({ rules: [{ match: [] }] })],
    ['rules[0].match[0]', () => new CounterBackend({ rules: [{ match: [''] }] })],
    ['rules[1].entity', () => new CounterBackend({ rules: [{ match: 'a' }, { match: 'b', entity: 'user_id' }] })],
    ['rules[0].uniq', () => new CounterBackend({ rules: [{ match: 'a', uniq: 'context.x' } as never] })],
    ['rules[0]', () => new CounterBackend({ rules: [{ match: 'a', count: false }] })],
    ['rules[0].count', () => new CounterBackend({ rules: [{ match: 'a', count: 'yes' as never }] })],
    ['rules[0].slug', () => new CounterBackend({ rules: [{ match: 'a', slug: 'a*b' }] })],
    ['rules[0].category', () => new CounterBackend({ rules: [{ match: 'a', category: '{nope}' }] })],
    ['rules', () => new CounterBackend({ rules: {} as never })],
    ['defaultRule.match', () => new CounterBackend({ defaultRule: { match: 'a' } as never })],
    ['defaultRule.value', () => new CounterBackend({ defaultRule: { value: 'amount' } })],
    ['dedupeWindow', () => new CounterBackend({ dedupeWindow: -1 })],
    ['dedupeWindow', () => new CounterBackend({ dedupeWindow: 1.5 })],
    ['onSkip', () => new CounterBackend({ onSkip: 'log' as never })],
    ['metrics', () => new CounterBackend({ metrics: 42 as never })],
    ['flushIntervalMs', () => new CounterBackend({ metrics: { flushIntervalMs: -1 } })],
  ];
  for (const [option, make] of bad) {
    test(`a bad ${option} throws a ConfigurationError naming it (and leaves nothing open)`, () => {
      assert.throws(make, (error: unknown) => error instanceof ConfigurationError && error.option === option);
    });
  }

  test('the defaults are exported and frozen', () => {
    assert.deepEqual(DEFAULT_COUNTER_BACKEND_OPTIONS, { rules: [], defaultRule: { slug: '{name}' }, dedupeWindow: 10_000 });
    assert.ok(Object.isFrozen(DEFAULT_COUNTER_BACKEND_OPTIONS));
  });
});
