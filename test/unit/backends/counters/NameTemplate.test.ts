import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NameTemplate } from '../../../../src/backends/counters/NameTemplate.js';
import { ConfigurationError } from '../../../../src/errors.js';
import type { TrackedEvent } from '../../../../src/event/TrackedEvent.js';

const event = (name: string, data: TrackedEvent['data'] = {}, context: TrackedEvent['context'] = {}): TrackedEvent => ({
  id: name,
  name,
  timestamp: new Date(0),
  context,
  data,
});

test('a literal is used as is and depends on nothing', () => {
  const t = new NameTemplate('slug', 'revenue');
  assert.equal(t.perName, true);
  assert.equal(t.render(event('a')), 'revenue');
});

test('{name} is the event name, mapped by slugify', () => {
  const t = new NameTemplate('slug', 'events.{name}');
  assert.equal(t.perName, true);
  assert.equal(t.render(event('page.view')), 'events.page.view');
  assert.equal(t.render(event('odd{name}*')), 'events.odd_name__');
});

test('path placeholders read the event; strings, numbers and booleans render', () => {
  const t = new NameTemplate('slug', 'http.{data.status}.{context.plan}.{ data.mobile }');
  assert.equal(t.perName, false);
  assert.equal(t.render(event('r', { status: 404, mobile: true }, { plan: 'pro' })), 'http.404.pro.true');
  assert.equal(t.render(event('r', { status: 'a*b', mobile: false }, { plan: 'x' })), 'http.a_b.x.false');
});

test('a missing or non-scalar value gives undefined and says why', () => {
  const t = new NameTemplate('slug', 'http.{data.status}');
  assert.equal(t.render(event('r', {})), undefined);
  assert.deepEqual(t.skip, { reason: 'missing', path: 'data.status' });
  assert.equal(t.render(event('r', { status: null })), undefined);
  assert.equal(t.skip.reason, 'missing');
  assert.equal(t.render(event('r', { status: { code: 1 } })), undefined);
  assert.deepEqual(t.skip, { reason: 'wrong-type', path: 'data.status' });
});

test('a function is called per event; its result is slugified; undefined, non-strings and throws are skips', () => {
  const t = new NameTemplate('slug', (e) => (e.data['kind'] === undefined ? undefined : `kind:${String(e.data['kind'])}`));
  assert.equal(t.perName, false);
  assert.equal(t.render(event('r', { kind: 'a[1]' })), 'kind:a_1_');
  assert.equal(t.render(event('r')), undefined);
  assert.equal(t.skip.reason, 'missing');
  const wrong = new NameTemplate('slug', () => 42 as unknown as string);
  assert.equal(wrong.render(event('r')), undefined);
  assert.equal(wrong.skip.reason, 'wrong-type');
  const boom = new Error('boom');
  const throwing = new NameTemplate('slug', () => {
    throw boom;
  });
  assert.equal(throwing.render(event('r')), undefined);
  assert.deepEqual(throwing.skip, { reason: 'error', error: boom });
});

test('bad templates throw a ConfigurationError naming the option', () => {
  const bad: unknown[] = ['', 'a*b', '{unknown}', '{context}', 'x{data.}', 'open{', 'x'.repeat(201), 42, null];
  for (const source of bad) {
    assert.throws(
      () => new NameTemplate('rules[3].slug', source as string),
      (error: unknown) => error instanceof ConfigurationError && error.option.startsWith('rules[3].slug'),
      String(source),
    );
  }
  // A long literal is fine in a template: the rendered name is shortened.
  const long = new NameTemplate('slug', `${'x'.repeat(250)}{name}`);
  assert.equal(long.render(event('a'))?.length, 200);
});
