import type { KeyObject } from 'node:crypto';
import type * as crypto from 'node:crypto';
import { builtin } from '../event/builtin.js';
import { ConfigurationError } from '../errors.js';

/** Shortest `sessionSecret` accepted, in bytes: a short key makes the hash guessable. */
export const MIN_SESSION_SECRET_BYTES = 16;

/** Turns a raw session id into the value recorded in the context. */
export type SessionHasher = (sessionId: string) => string;

/**
 * An HMAC-SHA256 of the session id under `secret`, as 64 hex characters.
 * Keyed, so that a leaked event log cannot be matched against session ids by
 * hashing guesses, and stable, so that events of one session group together.
 * The raw id is never recorded.
 */
export function createSessionHasher(secret: string | Uint8Array): SessionHasher {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new ConfigurationError('sessionSecret', `must be a string or a Uint8Array of at least ${MIN_SESSION_SECRET_BYTES} bytes.`);
  }
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SESSION_SECRET_BYTES) {
    throw new ConfigurationError('sessionSecret', `must be at least ${MIN_SESSION_SECRET_BYTES} bytes long (got ${bytes.length}).`);
  }
  const { createHmac, createSecretKey } = builtin<typeof crypto>('node:crypto');
  const key: KeyObject = createSecretKey(bytes);
  return (sessionId) => createHmac('sha256', key).update(sessionId, 'utf8').digest('hex');
}

/**
 * The value of cookie `name` in a `Cookie` header, percent-decoded, or
 * `undefined`. Reads only the one cookie asked for; a value that is not valid
 * percent-encoding is returned as sent.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (value.indexOf('%') === -1) return value;
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
    start = end + 1;
  }
  return undefined;
}
