import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, type MiddlewareError } from '../../../src/errors.js';
import { DEFAULT_MASKED_FIELDS, DEFAULT_REQUEST_TRACKING_OPTIONS } from '../../../src/integrations/options.js';
import { resolveRequestTracking } from '../../../src/integrations/resolveOptions.js';
import type { RequestTracker } from '../../../src/integrations/RequestTracker.js';

const tracker: RequestTracker = { emit: () => undefined, context: (_name, _ctx, fn) => fn() };

function rejects(options: object, option: string): void {
  assert.throws(
    () => resolveRequestTracking(tracker, options as never),
    (error: unknown) => error instanceof ConfigurationError && error.option === option,
    `expected a ConfigurationError naming ${option}`,
  );
}

describe('resolveRequestTracking', () => {
  it('applies the documented defaults', () => {
    const o = resolveRequestTracking(tracker);
    assert.equal(o.contextName, DEFAULT_REQUEST_TRACKING_OPTIONS.contextName);
    assert.equal(o.requestIdHeader, 'x-request-id');
    assert.equal(o.maxRequestIdLength, 128);
    assert.equal(o.maxValueLength, 1024);
    assert.equal(o.trust, undefined);
    assert.equal(o.proxyHeader, 'x-forwarded-for');
    assert.equal(o.hashSession, undefined);
    assert.equal(o.skip, undefined);
    assert.equal(o.event, undefined);
  });

  it('resolves requestEvent: true to the default event', () => {
    const event = resolveRequestTracking(tracker, { requestEvent: true }).event!;
    assert.equal(event.name, 'http.request');
    assert.equal(event.query, true);
    assert.deepEqual(event.headers, []);
    for (const name of DEFAULT_MASKED_FIELDS) assert.ok(event.mask(name), name);
  });

  it('lower-cases recorded header names and the request id header', () => {
    const o = resolveRequestTracking(tracker, { requestIdHeader: 'X-Trace', requestEvent: { headers: ['User-Agent'] } });
    assert.equal(o.requestIdHeader, 'x-trace');
    assert.deepEqual(o.event!.headers, ['user-agent']);
  });

  it('rejects bad options naming them', () => {
    rejects({ contextName: '' }, 'contextName');
    rejects({ userId: 'id' }, 'userId');
    rejects({ sessionId: 1 }, 'sessionId');
    rejects({ sessionSecret: 'short' }, 'sessionSecret');
    rejects({ sessionCookie: '' }, 'sessionCookie');
    rejects({ requestIdHeader: '' }, 'requestIdHeader');
    rejects({ maxRequestIdLength: 0 }, 'maxRequestIdLength');
    rejects({ maxValueLength: 1.5 }, 'maxValueLength');
    rejects({ trustProxy: 'nowhere' }, 'trustProxy');
    rejects({ proxyHeader: 'x-real-ip' }, 'proxyHeader');
    rejects({ skip: '/health' }, 'skip');
    rejects({ requestEvent: 'yes' }, 'requestEvent');
    rejects({ requestEvent: { name: '' } }, 'requestEvent.name');
    rejects({ requestEvent: { headers: 'accept' } }, 'requestEvent.headers');
    rejects({ requestEvent: { mask: [1] } }, 'requestEvent.mask');
    rejects({ onError: true }, 'onError');
  });

  it('rejects options of the wrong type with a ConfigurationError, not a TypeError', () => {
    rejects({ sessionSecret: 1234567890123456 }, 'sessionSecret');
    rejects({ sessionSecret: null }, 'sessionSecret');
    rejects({ trustProxy: {} }, 'trustProxy');
    rejects({ requestEvent: { query: 'no' } }, 'requestEvent.query');
  });

  it('rejects something that is not a tracker', () => {
    assert.throws(() => resolveRequestTracking({} as never), (error: unknown) => error instanceof ConfigurationError && error.option === 'tracker');
    assert.throws(() => resolveRequestTracking(undefined as never), ConfigurationError);
  });

  it('reports through onError, else the tracker, and survives a throwing handler', () => {
    const seen: unknown[] = [];
    resolveRequestTracking(tracker, { onError: (e) => seen.push(e) }).report('userId', new Error('a'));
    resolveRequestTracking({ ...tracker, reportError: (e) => seen.push(e) }).report('sessionId', new Error('b'));
    assert.deepEqual(seen.map((e) => (e as MiddlewareError).option), ['userId', 'sessionId']);
    const throwing = resolveRequestTracking(tracker, {
      onError: () => {
        throw new Error('handler broke');
      },
    });
    assert.doesNotThrow(() => throwing.report('userId', new Error('c')));
    assert.doesNotThrow(() => resolveRequestTracking(tracker).report('userId', new Error('d')));
  });
});
