import { createHash, timingSafeEqual } from 'node:crypto';
import { httpError } from './HttpError.js';
import type { ApiKeyConfig, RateLimit, Scope } from './ServerConfig.js';

/** A key the service knows: its id, scopes and rate. */
export interface ApiKey {
  readonly id: string;
  readonly scopes: ReadonlySet<Scope>;
  /** `undefined`: the service-wide `limits.rateLimit` applies. */
  readonly rateLimit: RateLimit | false | undefined;
}

/** Hex SHA-256 of a key, as the configuration stores it (`"sha256": "…"`). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The configured keys, checked in constant time: the presented key is
 * hashed and its digest compared with every known digest with
 * `crypto.timingSafeEqual` (all of them, whatever matched), so neither the
 * key nor which entry it matched shows in the answer time.
 */
export class ApiKeys {
  private readonly entries: { digest: Buffer; key: ApiKey }[];

  constructor(keys: readonly ApiKeyConfig[]) {
    this.entries = keys.map((config) => ({
      digest: Buffer.from(config.sha256 ?? hashKey(config.key!), 'hex'),
      key: Object.freeze({ id: config.id, scopes: new Set(config.scopes), rateLimit: config.rateLimit }),
    }));
  }

  /**
   * The key of an `Authorization` header holding `scope`.
   *
   * @throws HttpError 401 `missing-key` / `invalid-key`, 403 `forbidden`.
   */
  authenticate(header: string | undefined, scope: Scope): ApiKey {
    if (header === undefined || header === '') throw httpError('missing-key', 'send an API key as `Authorization: Bearer <key>`');
    const match = BEARER.exec(header);
    if (match === null) throw httpError('invalid-key', 'the Authorization header must be `Bearer <key>`');
    const digest = createHash('sha256').update(match[1]!, 'utf8').digest();
    let found: ApiKey | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.key;
    }
    if (found === undefined) throw httpError('invalid-key', 'unknown API key');
    if (!found.scopes.has(scope)) throw httpError('forbidden', `the key "${found.id}" lacks the "${scope}" scope`);
    return found;
  }
}
