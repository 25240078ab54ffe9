import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { EDX_LEGACY_CONTEXT_FIELDS, edxLegacy, edxTime, toEdxLegacy, toEdxLogLine } from '../../../src/processors/edxLegacy.js';
import { makeEvent } from './fixtures.js';

describe('toEdxLegacy', () => {
  it('moves the request fields from the context to the top level (edX shim semantics)', () => {
    const event = makeEvent({
      name: 'problem.check',
      data: { answer: 42 },
      context: {
        username: 'alice', session: 'abc', ip: '10.0.0.1', agent: 'curl', host: 'lms', referer: 'r',
        accept_language: 'en', page: '/x', client_id: 'ga', course_id: 'c1', user_id: 7,
      },
    });
    assert.deepEqual(toEdxLegacy(event), {
      name: 'problem.check',
      event_type: 'problem.check',
      event: { answer: 42 },
      time: '2024-05-06T07:08:09.123000+00:00',
      event_source: 'server',
      page: '/x',
      username: 'alice', session: 'abc', ip: '10.0.0.1', agent: 'curl', host: 'lms', referer: 'r', accept_language: 'en',
      context: { course_id: 'c1', user_id: 7 },
    });
  });

  it("fills edX's defaults when the context lacks the fields", () => {
    const legacy = toEdxLegacy(makeEvent({ name: 'a.b', data: { x: 1 } }));
    assert.deepEqual(legacy, {
      name: 'a.b', event_type: 'a.b', event: { x: 1 }, time: '2024-05-06T07:08:09.123000+00:00', event_source: 'server', page: null,
      username: '', session: '', ip: '', agent: '', host: '', referer: '', accept_language: '', context: {},
    });
  });

  it('takes event_type, event_source and time from the context when present; browser payloads become a JSON string', () => {
    const legacy = toEdxLegacy(makeEvent({
      name: 'seq.next',
      data: { a: [1] },
      context: { event_type: 'seq_next', event_source: 'browser', timestamp: '2020-01-01T00:00:00Z' },
    }));
    assert.equal(legacy.event_type, 'seq_next');
    assert.equal(legacy.event_source, 'browser');
    assert.equal(legacy.time, '2020-01-01T00:00:00Z');
    assert.equal(legacy.event, '{"a": [1]}', "as Python's json.dumps writes it");
    assert.deepEqual(legacy.context, {});
  });

  it('reads fields from configured (nested) context paths', () => {
    const legacy = toEdxLegacy(
      makeEvent({ context: { user_agent: 'ua', request: { ip: '::1', path: '/p' } } }),
      { contextFields: { agent: 'user_agent', ip: 'request.ip' } },
    );
    assert.equal(legacy.agent, 'ua');
    assert.equal(legacy.ip, '::1');
    assert.deepEqual(legacy.context, { request: { path: '/p' } });
  });

  it('documents every field it reads', () => {
    assert.deepEqual(Object.keys(EDX_LEGACY_CONTEXT_FIELDS).sort(), [
      'accept_language', 'agent', 'event_source', 'event_type', 'host', 'ip', 'page', 'referer', 'session', 'time', 'username',
    ]);
  });

  for (const [fields, option] of [
    [{ nope: 'x' }, 'contextFields.nope'],
    [{ ip: '' }, 'contextFields.ip'],
    [{ ip: 'a..b' }, 'contextFields.ip'],
  ] as const) {
    it(`rejects contextFields ${JSON.stringify(fields)}`, () => {
      assert.throws(
        () => edxLegacy({ contextFields: fields as never }),
        (e: unknown) => e instanceof ConfigurationError && e.option === option,
      );
    });
  }
});

describe('edxLegacy processor', () => {
  it('puts the legacy record in data, empties context and keeps the envelope', () => {
    const event = makeEvent({ name: 'n', data: { a: 1 }, context: { username: 'bob', org: 'x' } });
    const result = edxLegacy()(event)!;
    assert.equal(result.id, event.id);
    assert.equal(result.name, 'n');
    assert.equal(result.timestamp, event.timestamp);
    assert.deepEqual(result.context, {});
    assert.equal(result.data['username'], 'bob');
    assert.deepEqual(result.data['context'], { org: 'x' });
    assert.deepEqual(result.data['event'], { a: 1 });
  });
});

describe('edX time and log line', () => {
  it("writes time as edX does: microseconds and +00:00; no fraction on a whole second (Python's isoformat)", () => {
    assert.equal(edxTime(new Date('2024-05-06T07:08:09.123Z')), '2024-05-06T07:08:09.123000+00:00');
    assert.equal(edxTime(new Date('2024-05-06T07:08:09.007Z')), '2024-05-06T07:08:09.007000+00:00');
    assert.equal(edxTime(new Date('2024-05-06T07:08:09.000Z')), '2024-05-06T07:08:09+00:00');
  });

  it("the log line is the edX record at the top level, keys in edX's order, as Python's json.dumps writes it", () => {
    const event = makeEvent({
      name: 'problem.check',
      data: { answer: 'caf\u00e9 \u{1F600}', list: [1, 'a"b\n'] },
      context: { username: 'alice', ip: '10.0.0.1', course_id: 'c1', client_id: 'ga' },
    });
    assert.equal(
      toEdxLogLine(event),
      '{"name": "problem.check", "context": {"course_id": "c1"}, "username": "alice", "session": "", "ip": "10.0.0.1", ' +
        '"agent": "", "host": "", "referer": "", "accept_language": "", ' +
        '"event": {"answer": "caf\\u00e9 \\ud83d\\ude00", "list": [1, "a\\"b\\n"]}, "time": "2024-05-06T07:08:09.123000+00:00", ' +
        '"event_type": "problem.check", "event_source": "server", "page": null}',
    );
  });

  it('an event the edxLegacy() processor already converted gives the same line; a missing data is written as {} (edX: event = {})', () => {
    const event = makeEvent({ name: 'n', data: { a: 1 }, context: { username: 'bob' } });
    assert.equal(toEdxLogLine(edxLegacy()(event)!), toEdxLogLine(event));
    const noData = { ...event, data: undefined } as unknown as typeof event;
    assert.deepEqual(JSON.parse(toEdxLogLine(noData)).event, {});
  });
});
