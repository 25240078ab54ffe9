import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/event/TrackedEvent.js';
import { redact, type RedactOptions } from '../../../src/processors/redact.js';
import { makeEvent } from './fixtures.js';

const R = '[REDACTED]';

describe('redact', () => {
  const table: [title: string, paths: string[], options: RedactOptions, input: { data?: JsonObject; context?: JsonObject }, expected: { data?: JsonObject; context?: JsonObject }][] = [
    ['a top-level data field', ['data.password'], {}, { data: { user: 'a', password: 'x' } }, { data: { user: 'a', password: R } }],
    ['a nested context field', ['context.user.ip'], {}, { context: { user: { id: 1, ip: '1.2.3.4' } } }, { context: { user: { id: 1, ip: R } } }],
    ['data and context at once', ['data.token', 'context.session'], {}, { data: { token: 't' }, context: { session: 's', a: 1 } }, { data: { token: R }, context: { session: R, a: 1 } }],
    ['a whole object value', ['data.card'], {}, { data: { card: { number: '4111', cvc: '1' } } }, { data: { card: R } }],
    ['`*` over object keys', ['data.*.password'], {}, { data: { a: { password: 1, k: 2 }, b: { password: 3 }, c: 'x' } }, { data: { a: { password: R, k: 2 }, b: { password: R }, c: 'x' } }],
    ['`*` over array elements', ['data.users.*.email'], {}, { data: { users: [{ email: 'a' }, { name: 'n' }, { email: 'b' }] } }, { data: { users: [{ email: R }, { name: 'n' }, { email: R }] } }],
    ['a numeric index', ['data.list.1'], {}, { data: { list: ['a', 'b', 'c'] } }, { data: { list: ['a', R, 'c'] } }],
    ['`**` at every depth, zero levels included', ['data.**.password'], {}, { data: { password: 1, a: { password: 2, b: [{ password: 3 }] } } }, { data: { password: R, a: { password: R, b: [{ password: R }] } } }],
    ['a custom replacement', ['data.ssn'], { replacement: null }, { data: { ssn: '123' } }, { data: { ssn: null } }],
    ['remove deletes keys', ['data.secret', 'data.list.*'], { remove: true }, { data: { secret: 1, keep: 2, list: [1, 2] } }, { data: { keep: 2, list: [null, null] } }],
    ['a whole-object path beats a deeper one', ['data.user', 'data.user.name'], {}, { data: { user: { name: 'n' } } }, { data: { user: R } }],
    ['missing paths are left alone', ['data.a.b.c', 'context.x'], {}, { data: { a: { z: 1 } }, context: { y: 2 } }, { data: { a: { z: 1 } }, context: { y: 2 } }],
    ['a path through a primitive is ignored', ['data.a.b'], {}, { data: { a: 'str' } }, { data: { a: 'str' } }],
  ];
  for (const [title, paths, options, input, expected] of table) {
    it(title, () => {
      const event = makeEvent(input);
      const result = redact(paths, options)(event) ?? event;
      assert.deepEqual(result.data, expected.data ?? {});
      assert.deepEqual(result.context, expected.context ?? {});
      assert.equal(result.id, event.id);
      assert.equal(result.timestamp, event.timestamp);
    });
  }

  it('returns undefined (keep, no allocation) when nothing matches', () => {
    const event = makeEvent({ data: { a: 1 }, context: { b: 2 } });
    assert.equal(redact(['data.password', 'context.*.ip'])(event), undefined);
  });

  it('returns undefined when the value is already redacted', () => {
    const event = makeEvent({ data: { password: R } });
    assert.equal(redact(['data.password'])(event), undefined);
  });

  it('shares the untouched parts with the input', () => {
    const event = makeEvent({ data: { secret: 1, big: { a: [1, 2] } }, context: { c: { d: 1 } } });
    const result = redact(['data.secret'])(event)!;
    assert.equal(result.data['big'], event.data['big']);
    assert.equal(result.context, event.context);
  });

  const bad: [paths: unknown, options: unknown, option: string][] = [
    [[], {}, 'paths'],
    [['password'], {}, 'paths[0]'],
    [['data'], {}, 'paths[0]'],
    [['data..x'], {}, 'paths[0]'],
    [['data.a', 'data.**'], {}, 'paths[1]'],
    [[42], {}, 'paths[0]'],
    [['data.a'], { replacement: {} }, 'replacement'],
  ];
  for (const [paths, options, option] of bad) {
    it(`rejects ${JSON.stringify(paths)} ${JSON.stringify(options)} naming ${option}`, () => {
      assert.throws(
        () => redact(paths as string[], options as RedactOptions),
        (error: unknown) => error instanceof ConfigurationError && error.option === option,
      );
    });
  }
});
