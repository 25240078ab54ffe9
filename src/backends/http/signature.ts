import type * as crypto from 'node:crypto';
import { builtin } from '../../event/builtin.js';

/** The header a signed webhook carries. */
export const SIGNATURE_HEADER = 'x-eventtrack-signature';

/** Options of {@link verifySignature}. */
export interface VerifySignatureOptions {
  /** Largest age (or clock skew ahead) of the signature's `t`, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time in ms (tests). Default `Date.now()`. */
  now?: number;
}

/** The defaults of {@link VerifySignatureOptions}. */
export const DEFAULT_VERIFY_SIGNATURE_OPTIONS: Readonly<Required<Omit<VerifySignatureOptions, 'now'>>> = Object.freeze({ toleranceSeconds: 300 });

function hmac(secret: string, timestamp: string, body: string | Buffer): string {
  return builtin<typeof crypto>('node:crypto').createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The `x-eventtrack-signature` value for `body`:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 */
export function signBody(secret: string, body: string | Buffer, unixSeconds: number = Math.floor(Date.now() / 1000)): string {
  const t = String(unixSeconds);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

/**
 * Checks a webhook's `x-eventtrack-signature` header against the raw request
 * body (the bytes received, after HTTP content decoding, before any JSON
 * parsing): true when one of its `v1` values is the HMAC-SHA256 of
 * `"<t>.<rawBody>"` under `secret` (compared in constant time) and `t` is
 * within `toleranceSeconds` of now. Never throws: a missing or malformed
 * header is `false`.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Buffer,
  options: VerifySignatureOptions = {},
): boolean {
  if (typeof header !== 'string' || typeof secret !== 'string' || secret === '') return false;
  const tolerance = options.toleranceSeconds ?? DEFAULT_VERIFY_SIGNATURE_OPTIONS.toleranceSeconds;
  let t: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') t = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) return false;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - Number(t)) > tolerance) return false;
  const expected = Buffer.from(hmac(secret, t, rawBody), 'hex');
  return signatures.some((signature) => {
    if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
    return builtin<typeof crypto>('node:crypto').timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  });
}
