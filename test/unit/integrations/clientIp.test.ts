import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTrustProxy, normalizeAddress, parseForwardedHops, resolveClientIp } from '../../../src/integrations/clientIp.js';
import { ConfigurationError } from '../../../src/errors.js';

describe('resolveClientIp', () => {
  it('ignores forwarded headers when no proxy is trusted (the default)', () => {
    assert.equal(resolveClientIp('203.0.113.9', '1.2.3.4', 'x-forwarded-for', compileTrustProxy(undefined)), '203.0.113.9');
    assert.equal(resolveClientIp('203.0.113.9', '1.2.3.4', 'x-forwarded-for', compileTrustProxy(false)), '203.0.113.9');
    assert.equal(resolveClientIp('203.0.113.9', '1.2.3.4', 'x-forwarded-for', compileTrustProxy(0)), '203.0.113.9');
  });

  it('unmaps IPv4-mapped IPv6 socket addresses', () => {
    assert.equal(resolveClientIp('::ffff:127.0.0.1', undefined, 'x-forwarded-for', undefined), '127.0.0.1');
    assert.equal(normalizeAddress('::1'), '::1');
  });

  it('takes the hop before the nearest trusted proxy from X-Forwarded-For', () => {
    const trust = compileTrustProxy(['10.0.0.0/8']);
    // client 198.51.100.7 → proxy 10.0.0.2 → proxy 10.0.0.1 → us
    assert.equal(resolveClientIp('10.0.0.1', '198.51.100.7, 10.0.0.2', 'x-forwarded-for', trust), '198.51.100.7');
  });

  it('stops at the first untrusted address so a client cannot spoof one further left', () => {
    const trust = compileTrustProxy('loopback');
    // The client wrote "6.6.6.6" itself; the proxy appended the real peer 198.51.100.7.
    assert.equal(resolveClientIp('127.0.0.1', '6.6.6.6, 198.51.100.7', 'x-forwarded-for', trust), '198.51.100.7');
  });

  it('does not trust the header when the socket peer is not a trusted proxy', () => {
    const trust = compileTrustProxy('10.0.0.0/8');
    assert.equal(resolveClientIp('198.51.100.7', '1.2.3.4', 'x-forwarded-for', trust), '198.51.100.7');
  });

  it('trusts a number of hops', () => {
    const header = '1.1.1.1, 2.2.2.2, 3.3.3.3';
    assert.equal(resolveClientIp('9.9.9.9', header, 'x-forwarded-for', compileTrustProxy(1)), '3.3.3.3');
    assert.equal(resolveClientIp('9.9.9.9', header, 'x-forwarded-for', compileTrustProxy(2)), '2.2.2.2');
    assert.equal(resolveClientIp('9.9.9.9', header, 'x-forwarded-for', compileTrustProxy(10)), '1.1.1.1');
  });

  it('with `true` takes the leftmost address', () => {
    assert.equal(resolveClientIp('9.9.9.9', '1.1.1.1, 2.2.2.2', 'x-forwarded-for', compileTrustProxy(true)), '1.1.1.1');
  });

  it('reports the last trusted proxy when the next hop is not an IP address', () => {
    const trust = compileTrustProxy('loopback');
    assert.equal(resolveClientIp('127.0.0.1', 'unknown', 'x-forwarded-for', trust), '127.0.0.1');
    assert.equal(resolveClientIp('127.0.0.1', 'for=_hidden', 'forwarded', trust), '127.0.0.1');
  });

  it('reads RFC 7239 Forwarded, with quotes, brackets and ports', () => {
    const trust = compileTrustProxy(['loopback', '10.0.0.0/8']);
    const header = 'for=192.0.2.43;proto=https, for="[2001:db8:cafe::17]:4711", for=10.0.0.5:8080;by=10.0.0.1';
    assert.equal(resolveClientIp('127.0.0.1', header, 'forwarded', trust), '2001:db8:cafe::17');
    assert.deepEqual(parseForwardedHops('forwarded', header), ['192.0.2.43', '2001:db8:cafe::17', '10.0.0.5']);
  });

  it('reads only the configured header kind', () => {
    const trust = compileTrustProxy(true);
    assert.deepEqual(parseForwardedHops('x-forwarded-for', 'for=1.2.3.4'), [undefined]);
    assert.equal(resolveClientIp('127.0.0.1', 'for=1.2.3.4', 'x-forwarded-for', trust), '127.0.0.1');
  });

  it('handles IPv6 CIDRs and mapped addresses in the list', () => {
    const trust = compileTrustProxy(['fd00::/8', '192.168.1.1']);
    assert.equal(resolveClientIp('fd00::1', '2001:db8::9', 'x-forwarded-for', trust), '2001:db8::9');
    assert.equal(resolveClientIp('::ffff:192.168.1.1', '203.0.113.1', 'x-forwarded-for', trust), '203.0.113.1');
    assert.equal(resolveClientIp('192.168.1.2', '203.0.113.1', 'x-forwarded-for', trust), '192.168.1.2');
  });

  it('accepts a trust function with the hop index', () => {
    const seen: [string, number][] = [];
    const trust = compileTrustProxy((address, hop) => {
      seen.push([address, hop]);
      return hop < 2;
    });
    assert.equal(resolveClientIp('10.0.0.1', '1.1.1.1, 2.2.2.2, 3.3.3.3', 'x-forwarded-for', trust), '2.2.2.2');
    assert.deepEqual(seen, [['10.0.0.1', 0], ['3.3.3.3', 1], ['2.2.2.2', 2]]);
  });

  it('returns undefined without a socket address', () => {
    assert.equal(resolveClientIp(undefined, '1.1.1.1', 'x-forwarded-for', compileTrustProxy(true)), undefined);
  });
});

describe('compileTrustProxy', () => {
  for (const bad of ['nonsense', '10.0.0.0/33', '::1/129', '10.0.0.0/x', 1.5, -1]) {
    it(`rejects ${String(bad)} naming trustProxy`, () => {
      assert.throws(() => compileTrustProxy(bad as never), (error: unknown) => error instanceof ConfigurationError && error.option === 'trustProxy');
    });
  }
});
