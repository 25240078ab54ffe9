import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHmac } from 'node:crypto';
import { extractRequestContext, pathOf } from '../../../src/integrations/requestContext.js';
import type { RequestTrackingOptions } from '../../../src/integrations/options.js';
import { resolveRequestTracking } from '../../../src/integrations/resolveOptions.js';
import type { RequestTracker } from '../../../src/integrations/RequestTracker.js';
import { MiddlewareError } from '../../../src/errors.js';
import { flatJsonSize } from '../../../src/event/normalize.js';
import { fakeRequest } from './fixtures.js';

const SECRET = 'an-hmac-secret-for-the-tests-123';
const noTracker: RequestTracker = { emit: () => undefined, context: (_name, _ctx, fn) => fn() };

function extract<Req>(req: ReturnType<typeof fakeRequest>, source: Req, options: RequestTrackingOptions<Req> = {}) {
  return extractRequestContext(req, pathOf(req.url!), source, resolveRequestTracking(noTracker, options));
}

describe('extractRequestContext', () => {
  it('records method, path without query, host, ip, agent, referer, language and a request id', () => {
    const req = fakeRequest({
      method: 'POST',
      url: '/courses/42?token=secret',
      remoteAddress: '::ffff:192.0.2.1',
      headers: { host: 'example.test:8080', 'user-agent': 'UA/1.0', referer: 'https://r.test/', 'accept-language': 'fr-CH', 'x-request-id': 'req-1' },
    });
    assert.deepEqual(extract(req, req), {
      method: 'POST',
      path: '/courses/42',
      host: 'example.test:8080',
      ip: '192.0.2.1',
      user_agent: 'UA/1.0',
      referer: 'https://r.test/',
      accept_language: 'fr-CH',
      request_id: 'req-1',
    });
  });

  it('is frozen flat JSON, so the tracker keeps it without a copy', () => {
    const ctx = extract(fakeRequest({ url: '/' }), {}, { userId: () => 12 });
    assert.ok(Object.isFrozen(ctx));
    const size = flatJsonSize(ctx);
    const json = JSON.stringify(ctx).length;
    assert.ok(size !== undefined && size >= json && size <= json + 4, `${size} vs ${json}`);
  });

  it('leaves unknown fields out and generates a request id', () => {
    const ctx = extract(fakeRequest({ url: '/' }), {});
    assert.deepEqual(Object.keys(ctx).sort(), ['ip', 'method', 'path', 'request_id']);
    assert.match(String(ctx['request_id']), /^[0-9a-f-]{36}$/);
  });

  it('reads the request id from the configured header, or never', () => {
    const req = fakeRequest({ headers: { 'x-correlation-id': 'corr-9', 'x-request-id': 'req-1' } });
    assert.equal(extract(req, req, { requestIdHeader: 'X-Correlation-Id' })['request_id'], 'corr-9');
    assert.notEqual(extract(req, req, { requestIdHeader: false })['request_id'], 'req-1');
  });

  it('caps long header values and paths', () => {
    const req = fakeRequest({ url: `/${'p'.repeat(100)}`, headers: { 'user-agent': 'u'.repeat(5000) } });
    const ctx = extract(req, req, { maxValueLength: 20 });
    assert.equal(ctx['user_agent'], 'u'.repeat(20));
    assert.equal(ctx['path'], `/${'p'.repeat(19)}`);
  });

  it('records the user id from the callback with the framework request', () => {
    const source = { user: { id: 7 } };
    assert.equal(extract(fakeRequest(), source, { userId: (r) => r.user.id })['user_id'], 7);
    assert.equal(extract(fakeRequest(), source, { userId: () => 'u-1' })['user_id'], 'u-1');
    assert.equal(extract(fakeRequest(), source, { userId: () => 10n })['user_id'], '10');
    for (const value of [undefined, null, '', {}, Number.NaN]) {
      assert.ok(!('user_id' in extract(fakeRequest(), source, { userId: () => value })), String(value));
    }
  });

  it('reports a throwing userId callback and goes on without the field', () => {
    const errors: unknown[] = [];
    const ctx = extract(fakeRequest({ url: '/x' }), {}, {
      userId: () => {
        throw new Error('no user');
      },
      onError: (error) => errors.push(error),
    });
    assert.equal(ctx['path'], '/x');
    assert.ok(!('user_id' in ctx));
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof MiddlewareError);
    assert.equal((errors[0] as MiddlewareError).option, 'userId');
    assert.equal(((errors[0] as MiddlewareError).cause as Error).message, 'no user');
  });

  it('records only the HMAC of the session cookie, and only with a secret', () => {
    const req = fakeRequest({ headers: { cookie: 'theme=dark; connect.sid=s%3Araw-session-id.sig' } });
    const withSecret = extract(req, req, { sessionSecret: SECRET });
    assert.equal(withSecret['session_hash'], createHmac('sha256', SECRET).update('s:raw-session-id.sig').digest('hex'));
    assert.ok(!JSON.stringify(withSecret).includes('raw-session-id'));
    assert.ok(!('session_hash' in extract(req, req, {})));
  });

  it('reads the session id from a custom cookie or a callback', () => {
    const req = fakeRequest({ headers: { cookie: 'sid=abc' } });
    const hash = (id: string) => createHmac('sha256', SECRET).update(id).digest('hex');
    assert.equal(extract(req, req, { sessionSecret: SECRET, sessionCookie: 'sid' })['session_hash'], hash('abc'));
    assert.equal(extract(req, { session: 'xyz' }, { sessionSecret: SECRET, sessionId: (r) => r.session })['session_hash'], hash('xyz'));
    assert.ok(!('session_hash' in extract(req, req, { sessionSecret: SECRET })), 'no connect.sid cookie');
  });

  it('uses the trusted proxy setting for the ip', () => {
    const req = fakeRequest({ remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.4' } });
    assert.equal(extract(req, req)['ip'], '127.0.0.1');
    assert.equal(extract(req, req, { trustProxy: 'loopback' })['ip'], '198.51.100.4');
  });

  it('falls back to the socket address when a trust function throws', () => {
    const errors: unknown[] = [];
    const req = fakeRequest({ remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.4' } });
    const ctx = extract(req, req, {
      trustProxy: () => {
        throw new Error('boom');
      },
      onError: (error) => errors.push(error),
    });
    assert.equal(ctx['ip'], '10.0.0.1');
    assert.equal((errors[0] as MiddlewareError).option, 'trustProxy');
  });

  it('normalises the fallback socket address like any other (no ::ffff: prefix)', () => {
    const req = fakeRequest({ remoteAddress: '::ffff:10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.4' } });
    const ctx = extract(req, req, {
      trustProxy: () => {
        throw new Error('boom');
      },
      onError: () => undefined,
    });
    assert.equal(ctx['ip'], '10.0.0.1');
  });
});
