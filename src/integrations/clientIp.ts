import { checkInteger } from '../config/checkInteger.js';
import type { BlockList } from 'node:net';
import type * as net from 'node:net';
import { builtin } from '../event/builtin.js';

const isIP = (input: string): number => builtin<typeof net>('node:net').isIP(input);
import { ConfigurationError } from '../errors.js';

/**
 * Which proxies may tell us the client address through a forwarded header:
 *
 * - `false` (default): none; the client ip is the socket's peer address and
 *   forwarded headers are ignored (a client can write them itself);
 * - a number `n`: the `n` hops nearest to this server are proxies (`1` = one
 *   load balancer in front);
 * - addresses, CIDR ranges and presets, as an array or a comma-separated
 *   string: `'loopback'`, `'linklocal'`, `'uniquelocal'`, `'10.0.0.0/8'`,
 *   `'2001:db8::/32'`, `'192.0.2.7'`;
 * - a function `(address, hop) => boolean` (hop 0 is the socket peer);
 * - `true`: every hop is trusted and the client is the first address of the
 *   header. Only behind a proxy that overwrites the header.
 */
export type TrustProxy = boolean | number | string | readonly string[] | ((address: string, hop: number) => boolean);

/** The header a trusted proxy writes: de-facto `X-Forwarded-For`, or RFC 7239 `Forwarded`. */
export type ProxyHeader = 'x-forwarded-for' | 'forwarded';

/** Decides whether the address `hop` steps away from this server is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

const PRESETS: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function addRule(list: BlockList, rule: string): void {
  const [address = '', prefix] = rule.split('/');
  const family = isIP(address);
  if (family === 0) throw new ConfigurationError('trustProxy', `"${rule}" is not an IP address, CIDR range or preset (loopback, linklocal, uniquelocal).`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return list.addAddress(address, type);
  const bits = Number(prefix);
  if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
    throw new ConfigurationError('trustProxy', `"${rule}" has an invalid prefix length.`);
  }
  list.addSubnet(address, bits, type);
}

/** Compiles a {@link TrustProxy} option once; `undefined` means "trust nothing". */
export function compileTrustProxy(option: TrustProxy | undefined): ProxyTrust | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return () => true;
  if (typeof option === 'function') return option;
  if (typeof option === 'number') {
    checkInteger('trustProxy', option, { min: 0 }); // a hop count
    return option === 0 ? undefined : (_address, hop) => hop < option;
  }
  if (typeof option !== 'string' && !Array.isArray(option)) {
    throw new ConfigurationError('trustProxy', 'must be a boolean, a hop count, addresses/CIDR ranges/presets (array or comma-separated string) or a function.');
  }
  const rules = typeof option === 'string' ? option.split(',') : option;
  const list = new (builtin<typeof net>('node:net').BlockList)();
  for (const raw of rules) {
    if (typeof raw !== 'string') throw new ConfigurationError('trustProxy', 'list entries must be strings.');
    const rule = raw.trim();
    for (const expanded of PRESETS[rule] ?? [rule]) addRule(list, expanded);
  }
  return (address) => list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; other addresses unchanged. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** One hop of a forwarded header, without port or brackets; `undefined` when it is not an IP. */
function parseHop(value: string): string | undefined {
  let hop = value.trim();
  if (hop.startsWith('"') && hop.endsWith('"') && hop.length >= 2) hop = hop.slice(1, -1);
  if (hop.startsWith('[')) {
    const end = hop.indexOf(']');
    hop = end === -1 ? '' : hop.slice(1, end);
  } else if (hop.indexOf(':') !== -1 && hop.indexOf(':') === hop.lastIndexOf(':')) {
    hop = hop.slice(0, hop.indexOf(':')); // IPv4 with a port
  }
  return isIP(hop) === 0 ? undefined : normalizeAddress(hop);
}

/** The hops a header lists, client first, nearest proxy last; invalid entries as `undefined`. */
export function parseForwardedHops(header: ProxyHeader, value: string): (string | undefined)[] {
  const elements = value.split(',');
  if (header === 'x-forwarded-for') return elements.map(parseHop);
  return elements.map((element) => {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === 'for') return parseHop(pair.slice(eq + 1));
    }
    return undefined;
  });
}

/**
 * The client address: starting from the socket peer, walk the forwarded
 * header from its nearest hop outwards while the current address is trusted.
 * The walk stops at the first untrusted address (that is the client), or at a
 * hop that is not an IP address (`unknown`, an obfuscated name, garbage), in
 * which case the last trusted proxy is reported rather than a value we cannot
 * vouch for.
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  headerValue: string | undefined,
  header: ProxyHeader,
  trust: ProxyTrust | undefined,
): string | undefined {
  if (socketAddress === undefined) return undefined;
  let current = normalizeAddress(socketAddress);
  if (trust === undefined || headerValue === undefined || headerValue === '') return current;
  const hops = parseForwardedHops(header, headerValue);
  for (let hop = 0; hops.length > 0 && trust(current, hop); hop++) {
    const next = hops.pop();
    if (next === undefined) break;
    current = next;
  }
  return current;
}
