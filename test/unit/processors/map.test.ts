import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { map } from '../../../src/processors/map.js';
import { makeEvent } from './fixtures.js';

describe('map', () => {
  const event = makeEvent({ name: 'legacy.click', data: { a: 1 }, context: { c: 1 } });

  it('replaces the parts returned and keeps id and timestamp', () => {
    const result = map((e) => ({ name: e.name.replace(/^legacy\./, ''), data: { b: 2 } }))(event)!;
    assert.deepEqual(
      { id: result.id, name: result.name, timestamp: result.timestamp, context: result.context, data: result.data },
      { id: event.id, name: 'click', timestamp: event.timestamp, context: { c: 1 }, data: { b: 2 } },
    );
  });

  it('keeps the event when the function returns undefined and drops it on null', () => {
    assert.equal(map(() => undefined)(event), undefined);
    assert.equal(map(() => null)(event), null);
  });

  it('keeps id and timestamp even when the function tries to change them', () => {
    const result = map(() => ({ id: 'other', timestamp: new Date(0) }) as never)(event)!;
    assert.equal(result.id, event.id);
    assert.equal(result.timestamp, event.timestamp);
  });

  for (const name of ['', 42]) {
    it(`throws (the tracker reports it) on an invalid name ${JSON.stringify(name)}`, () => {
      assert.throws(() => map(() => ({ name: name as string }))(event), TypeError);
    });
  }
});
