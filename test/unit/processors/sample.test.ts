import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { sample, type SampleOptions } from '../../../src/processors/sample.js';
import { makeEvent } from './fixtures.js';

const kept = (processor: (e: TrackedEvent) => TrackedEvent | null | undefined, event: TrackedEvent): boolean => {
  const result = processor(event);
  assert.ok(result === undefined || result === null, 'sample never replaces an event');
  return result === undefined;
};

function keptFraction(rate: number, options: SampleOptions, users: number): number {
  const processor = sample(rate, options);
  let count = 0;
  for (let i = 0; i < users; i++) if (kept(processor, makeEvent({ context: { user_id: i } }))) count++;
  return count / users;
}

describe('sample', () => {
  it('keeps everything at rate 1 and nothing at rate 0', () => {
    const event = makeEvent({ context: { user_id: 1 } });
    for (const options of [{}, { key: 'context.user_id' as const }]) {
      assert.equal(kept(sample(1, options), event), true);
      assert.equal(kept(sample(0, options), event), false);
    }
  });

  it('draws at random without a key', () => {
    const draws = [0.05, 0.3, 0.24, 0.99];
    const processor = sample(0.25, { random: () => draws.shift()! });
    const event = makeEvent();
    assert.deepEqual([kept(processor, event), kept(processor, event), kept(processor, event), kept(processor, event)], [true, false, true, false]);
  });

  for (const rate of [0.01, 0.1, 0.5, 0.9]) {
    it(`keeps about ${rate * 100} % of users by key`, () => {
      const fraction = keptFraction(rate, { key: 'context.user_id' }, 20_000);
      assert.ok(Math.abs(fraction - rate) < 0.015, `kept ${fraction}`);
    });
  }

  it('decides the same way for every event of a key, across sampler instances', () => {
    const a = sample(0.3, { key: 'context.user_id' });
    const b = sample(0.3, { key: 'context.user_id' });
    for (let user = 0; user < 200; user++) {
      const decision = kept(a, makeEvent({ context: { user_id: user }, data: { n: 1 } }));
      assert.equal(kept(a, makeEvent({ context: { user_id: user }, data: { n: 2 } })), decision);
      assert.equal(kept(b, makeEvent({ context: { user_id: user }, name: 'other' })), decision);
    }
  });

  it('keeps a subset at a lower rate of what a higher rate keeps (same key)', () => {
    const low = sample(0.1, { key: 'context.user_id' });
    const high = sample(0.5, { key: 'context.user_id' });
    for (let user = 0; user < 500; user++) {
      const event = makeEvent({ context: { user_id: user } });
      if (kept(low, event)) assert.ok(kept(high, event));
    }
  });

  it('chooses an independent subset with a different salt', () => {
    const plain = sample(0.5, { key: 'context.user_id' });
    const salted = sample(0.5, { key: 'context.user_id', salt: 'experiment-2' });
    let agree = 0;
    for (let user = 0; user < 2000; user++) {
      const event = makeEvent({ context: { user_id: user } });
      if (kept(plain, event) === kept(salted, event)) agree++;
    }
    assert.ok(agree > 850 && agree < 1150, `agreed on ${agree} of 2000`);
  });

  it('reads keys from data, id, name, or a function; strings and numbers of the same text agree', () => {
    const byData = sample(0.5, { key: 'data.account.id' });
    const byFn = sample(0.5, { key: (e) => e.context['user_id'] });
    const byId = sample(0.5, { key: 'id' });
    const byName = sample(0.5, { key: 'name' });
    for (let i = 0; i < 100; i++) {
      const numeric = makeEvent({ data: { account: { id: i } }, context: { user_id: String(i) }, id: String(i), name: String(i) });
      const decision = kept(byData, numeric);
      assert.equal(kept(byFn, numeric), decision);
      assert.equal(kept(byId, numeric), decision);
      assert.equal(kept(byName, numeric), decision);
    }
  });

  const missingTable: [SampleOptions['whenMissing'], number, boolean][] = [
    ['keep', 0.01, true],
    ['drop', 0.99, false],
    ['random', 0.5, true], // random() returns 0.2 below
  ];
  for (const [whenMissing, rate, expected] of missingTable) {
    it(`whenMissing: ${whenMissing}`, () => {
      const processor = sample(rate, { key: 'context.user_id', whenMissing: whenMissing!, random: () => 0.2 });
      assert.equal(kept(processor, makeEvent()), expected);
      assert.equal(kept(processor, makeEvent({ context: { user_id: null } })), expected);
    });
  }

  const bad: [rate: unknown, options: object, option: string][] = [
    [-0.1, {}, 'rate'],
    [1.5, {}, 'rate'],
    [Number.NaN, {}, 'rate'],
    ['0.5', {}, 'rate'],
    [0.5, { key: 'user_id' }, 'key'],
    [0.5, { whenMissing: 'maybe' }, 'whenMissing'],
    [0.5, { salt: 1 }, 'salt'],
  ];
  for (const [rate, options, option] of bad) {
    it(`rejects rate ${String(rate)} ${JSON.stringify(options)} naming ${option}`, () => {
      assert.throws(
        () => sample(rate as number, options as SampleOptions),
        (error: unknown) => error instanceof ConfigurationError && error.option === option,
      );
    });
  }
});
