import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileDefaultRule, compileRule } from '../../../../src/backends/counters/CounterRule.js';
import { ConfigurationError } from '../../../../src/errors.js';

test('a rule matches exact names, dotted-name globs and RegExps, minus its excludes', () => {
  const rule = compileRule({ match: ['signup', 'cart.*', 'api.**', /^v\d+\.play$/], exclude: ['cart.debug', /internal/] }, 0);
  const yes = ['signup', 'cart.add', 'api.get', 'api.v1.users.list', 'v10.play'];
  const no = ['signup.x', 'cart', 'cart.a.b', 'cart.debug', 'api', 'api.internal.x', 'v.play'];
  for (const name of yes) assert.equal(rule.matches!(name), true, name);
  for (const name of no) assert.equal(rule.matches!(name), false, name);
});

test('a rule compiles its outputs: defaults, templates and paths', () => {
  const rule = compileRule({ match: 'order.paid', slug: 'revenue', category: '{name}', value: 'data.amount', entity: 'context.user_id', unique: 'context.session', gauge: 'data.total' }, 3);
  assert.equal(rule.option, 'rules[3]');
  assert.equal(rule.count, true);
  assert.equal(rule.slug.perName, true);
  assert.equal(rule.category!.perName, true);
  assert.deepEqual([rule.value!.source, rule.entity!.source, rule.unique!.source, rule.gauge!.source], ['data.amount', 'context.user_id', 'context.session', 'data.total']);
  const plain = compileRule({ match: 'x' }, 0);
  assert.deepEqual([plain.count, plain.category, plain.value, plain.entity, plain.unique, plain.gauge], [true, undefined, undefined, undefined, undefined, undefined]);
});

test('the default rule matches nothing by itself and takes no match/exclude', () => {
  const rule = compileDefaultRule({ slug: 'events.{name}' });
  assert.equal(rule.option, 'defaultRule');
  assert.equal(rule.matches, undefined);
  assert.throws(() => compileDefaultRule({ exclude: 'x' } as never), (e: unknown) => e instanceof ConfigurationError && e.option === 'defaultRule.exclude');
  assert.throws(() => compileDefaultRule({ count: false }), (e: unknown) => e instanceof ConfigurationError && e.option === 'defaultRule');
});

test('bad rules name the field at fault', () => {
  const cases: [unknown, string][] = [
    [null, 'rules[0]'],
    [{ match: 42 }, 'rules[0].match[0]'],
    [{ match: 'a', exclude: [''] }, 'rules[0].exclude[0]'],
    [{ match: 'a', gauge: 'total' }, 'rules[0].gauge'],
    [{ match: 'a', unique: 'context.' }, 'rules[0].unique'],
    [{ match: 'a', slug: () => 'x', count: false }, 'rules[0]'],
  ];
  for (const [rule, option] of cases) {
    assert.throws(() => compileRule(rule as never, 0), (e: unknown) => e instanceof ConfigurationError && e.option === option, JSON.stringify(rule));
  }
});
