// The storage contract under Metrics. Metrics owns the key layout, time math
// and coalescing; a store only knows how to apply a write batch at most once
// and how to read hashes, strings, sets and unique counts back. Every key
// carries a Redis Cluster hash tag (`prefix{tag}:…`); keys that must be read
// or written together share the tag.

/** Expiry of a key touched by a write: absolute epoch seconds. */
export interface KeyExpiry {
  /** Set only if the key has no expiry yet (Redis `EXPIREAT … NX`): a bucket's retention, fixed when it is created. */
  readonly nx?: number;
  /** Set if earlier than the current expiry (Redis `EXPIREAT … LT`): the per-call `expire` option. */
  readonly lt?: number;
}

/**
 * One write. Fields and values are parallel arrays. Increments and hash sets
 * may be integers or finite decimals (decimals are added with
 * `HINCRBYFLOAT`, exact only to double precision).
 *
 * `fieldExpiries` (parallel to `fields`; epoch seconds, 0 = none) makes each
 * field a bucket that expires on its own: at that time the field vanishes with
 * its whole value, whatever wrote it; the earliest expiry given to a field
 * wins; a write after it starts the field from nothing. Other fields of the key
 * are untouched (the per-call `expire` option of `Metrics`).
 */
export type WriteOp =
  | {
      readonly kind: 'hincr';
      readonly key: string;
      readonly fields: readonly string[];
      readonly values: readonly number[];
      readonly expiry?: KeyExpiry;
      readonly fieldExpiries?: readonly number[];
    }
  | {
      readonly kind: 'hset';
      readonly key: string;
      readonly fields: readonly string[];
      readonly values: readonly number[];
      readonly expiry?: KeyExpiry;
      readonly fieldExpiries?: readonly number[];
    }
  /**
   * Lowers (`hmin`) or raises (`hmax`) each field to its value: the field becomes min/max(current, value), or the
   * value when missing (the min and max of a timing bucket).
   */
  | {
      readonly kind: 'hmin' | 'hmax';
      readonly key: string;
      readonly fields: readonly string[];
      readonly values: readonly number[];
      readonly expiry?: KeyExpiry;
    }
  | { readonly kind: 'pfadd'; readonly key: string; readonly members: readonly string[]; readonly expiry?: KeyExpiry }
  | { readonly kind: 'sadd'; readonly key: string; readonly members: readonly string[] }
  | { readonly kind: 'srem'; readonly key: string; readonly members: readonly string[] }
  | { readonly kind: 'set'; readonly key: string; readonly value: string }
  /**
   * Sets `key.field` to `value` and adds (`value` − its previous value, 0 when missing) to
   * `counterKey.counterField`, atomically; both keys share a hash tag (py-analytics' `set_metric_by_day` with
   * `update_counter`).
   */
  | {
      readonly kind: 'hsetadjust';
      readonly key: string;
      readonly field: string;
      readonly value: number;
      readonly counterKey: string;
      readonly counterField: string;
      readonly expiry?: KeyExpiry;
    }
  | { readonly kind: 'del'; readonly key: string };

/**
 * A batch of writes with a unique id. Applying the same batch (same id, same
 * ops) again within the store's dedupe window is a no-op, so a batch can be
 * retried after a timeout or a lost reply without double counting. A store
 * may split a batch into parts (one per Cluster slot, bounded in size); each
 * part is applied atomically and at most once.
 */
export interface WriteBatch {
  readonly id: string;
  readonly ops: readonly WriteOp[];
  /**
   * Epoch ms after which the batch must not be applied any more (the caller
   * has stopped waiting and may report it dropped). A store that can, checks
   * it where the write is applied (Redis: in the script, against the server's
   * clock), so a write held on a hung connection never lands late.
   */
  readonly deadline?: number;
}

/** What a store did with a batch. */
export interface WriteResult {
  /** Parts applied now. */
  readonly applied: number;
  /** Parts skipped because they had been applied before (a retry). */
  readonly duplicates: number;
  /** Ops the server rejected (e.g. a foreign key of another type); not retryable. */
  readonly rejectedOps: number;
  /** The first rejection, when there was one. */
  readonly rejection?: string;
}

/** A hash read: the values of `fields` of `key`. */
export interface HashRead {
  readonly key: string;
  readonly fields: readonly string[];
}

/**
 * A counter store: {@link MemoryCounterStore} or {@link RedisCounterStore}.
 * Implement it to keep counters elsewhere; run test/unit/metrics conformance
 * suite against it.
 */
export interface CounterStore {
  /** Prefix of every key this store writes (`clear()` removes exactly these). */
  readonly prefix: string;
  /** How long (ms) a batch id is remembered; retries must finish within it. */
  readonly dedupeWindowMs: number;
  /** Applies a batch at most once. Rejects when some part could not be applied (retry the same batch). */
  write(batch: WriteBatch): Promise<WriteResult>;
  /** Hash field values, `null` where missing or expired (see `fieldExpiries`); one array per read, in order. */
  readHashes(reads: readonly HashRead[]): Promise<(number | null)[][]>;
  /** Every field of each hash (an empty object where missing), in order; for keys without field expiries (timing buckets). */
  readWholeHashes(keys: readonly string[]): Promise<Record<string, number>[]>;
  /** String values, `null` where missing. */
  readStrings(keys: readonly string[]): Promise<(string | null)[]>;
  /** Members of each set (unordered). */
  readSets(keys: readonly string[]): Promise<string[][]>;
  /** Cardinality of the union of unique-count keys; all keys share one hash tag. */
  countUnique(keys: readonly string[]): Promise<number>;
  /** Deletes every key starting with `keyPrefix` (which starts with `prefix`); returns how many. */
  deleteByPrefix(keyPrefix: string): Promise<number>;
  /** Deletes every key under `prefix` (keys starting with `<prefix>{`); never touches other keys, not even those of a longer prefix (`app2` for `app`). */
  clear(): Promise<number>;
  /**
   * Releases connections the store opened; idempotent. Resolves within
   * `timeoutMs` when given (then disconnects hard); a store without a
   * connection may ignore it.
   */
  close(timeoutMs?: number): Promise<void>;
}
