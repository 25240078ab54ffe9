import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIXPANEL_MAX_PROPERTIES, mixpanelProperties, OMITTED_PROPERTY } from '../../../../src/backends/http/mixpanelProperties.js';
import type { JsonObject, TrackedEvent } from '../../../../src/event/TrackedEvent.js';
import { parseFieldPath } from '../../../../src/processors/paths.js';

const path = parseFieldPath('context.user_id', 'distinctId');
const event = (data: JsonObject, context: JsonObject = {}): TrackedEvent => ({ id: '0190a0b0-0000-7000-8000-000000000001', name: 'e', timestamp: new Date(1_700_000_000_123), context, data });

test('time in ms, distinct_id from the path (text, "" when absent), $insert_id = event id', () => {
  const p = mixpanelProperties(event({ a: 1 }, { user_id: 42 }), path);
  assert.deepEqual(p, { time: 1_700_000_000_123, distinct_id: '42', $insert_id: '0190a0b0-0000-7000-8000-000000000001', a: 1, user_id: 42 });
  assert.equal(mixpanelProperties(event({}), path)['distinct_id'], '');
  assert.equal(mixpanelProperties(event({ u: 'x' }), parseFieldPath('data.u', 'distinctId'))['distinct_id'], 'x');
});

test('data and context keys become properties; reserved or taken names get their section prefix', () => {
  const p = mixpanelProperties(event({ page: '/a', time: 5, token: 't' }, { page: '/ctx', service: 'web', distinct_id: 'z' }), path);
  assert.equal(p['page'], '/a');
  assert.equal(p['context.page'], '/ctx');
  assert.equal(p['data.time'], 5);
  assert.equal(p['data.token'], 't');
  assert.equal(p['context.distinct_id'], 'z');
  assert.equal(p['service'], 'web');
  assert.equal(p['time'], 1_700_000_000_123);
});

test('nested values kept down to 3 levels and 255 items; deeper or bigger ones sent as JSON text', () => {
  const p = mixpanelProperties(event({
    ok: { a: { b: { c: 1 } }, l: [[1, 2]] },
    deep: { a: { b: { c: { d: 1 } } } },
    wide: Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`k${i}`, i])),
    long: Array.from({ length: 300 }, (_, i) => i),
  }), path);
  assert.deepEqual(p['ok'], { a: { b: { c: 1 } }, l: [[1, 2]] });
  assert.equal(p['deep'], '{"a":{"b":{"c":{"d":1}}}}');
  assert.equal(typeof p['wide'], 'string');
  assert.equal(typeof p['long'], 'string');
});

test('past 255 properties or with a key over 255 characters, properties are omitted and listed in eventtrack_omitted', () => {
  const data: JsonObject = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`p${i}`, i]));
  data['x'.repeat(256)] = 1;
  const p = mixpanelProperties(event(data), path);
  assert.equal(Object.keys(p).length, MIXPANEL_MAX_PROPERTIES);
  const omitted = p[OMITTED_PROPERTY] as string[];
  assert.equal(omitted.length, 300 + 1 + 3 - (MIXPANEL_MAX_PROPERTIES - 1));
  assert.ok(omitted.includes('p299'));
  assert.ok(omitted.includes('x'.repeat(255)));
  assert.equal(p['p0'], 0);
});
