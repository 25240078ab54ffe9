import { checkInteger } from '../../config/checkInteger.js';
import { ConfigurationError } from '../../errors.js';
import type { CounterStore, HashRead, KeyExpiry, WriteBatch, WriteOp, WriteResult } from '../CounterStore.js';
import { checkPrefix, DEFAULT_KEY_PREFIX, keyspaceOf } from '../keys.js';

/** Options of {@link MemoryCounterStore}. */
export interface MemoryCounterStoreOptions {
  /** Prefix of every key. Default `'et:'`. */
  prefix?: string;
  /** How long applied batch ids are remembered, ms. Default 600 000 (10 min, like the Redis store). */
  dedupeWindowMs?: number;
  /** Source of "now" for expiries (epoch ms), for tests. Default `Date.now`. */
  clock?: () => number;
}

/** Defaults of {@link MemoryCounterStoreOptions}. */
export const DEFAULT_MEMORY_COUNTER_STORE_OPTIONS = Object.freeze({
  prefix: DEFAULT_KEY_PREFIX,
  dedupeWindowMs: 600_000,
});

type Value =
  | { readonly type: 'hash'; readonly data: Map<string, number> }
  | { readonly type: 'string'; data: string }
  | { readonly type: 'set'; readonly data: Set<string> }
  | { readonly type: 'unique'; readonly data: Set<string> };

interface Entry {
  value: Value;
  /** Epoch ms; Infinity = no expiry. */
  expiresAt: number;
  /** Hashes: field → epoch ms at which the field expires (`fieldExpiries`). */
  fieldExpiries?: Map<string, number>;
}

const SWEEP_EVERY_MS = 60_000;

/**
 * The embedded counter store: the same key layout and semantics as Redis,
 * in a Map. Unique counts are exact sets (not HyperLogLog), so they are exact
 * but cost memory per member. Batches apply atomically and at most once per
 * id within the dedupe window; expired keys vanish lazily (and in a sweep at
 * most once a minute). Nothing is persisted or shared between processes.
 */
export class MemoryCounterStore implements CounterStore {
  readonly prefix: string;
  readonly dedupeWindowMs: number;
  private readonly clock: () => number;
  private readonly keys = new Map<string, Entry>();
  private readonly applied = new Map<string, number>();
  private lastSweep = 0;

  /** @throws ConfigurationError naming the bad option. */
  constructor(options: MemoryCounterStoreOptions = {}) {
    this.prefix = checkPrefix('prefix', options.prefix ?? DEFAULT_MEMORY_COUNTER_STORE_OPTIONS.prefix);
    const window = options.dedupeWindowMs ?? DEFAULT_MEMORY_COUNTER_STORE_OPTIONS.dedupeWindowMs;
    this.dedupeWindowMs = checkInteger('dedupeWindowMs', window, { min: 1 });
    if (options.clock !== undefined && typeof options.clock !== 'function') throw new ConfigurationError('clock', 'expected a function returning epoch ms');
    this.clock = options.clock ?? Date.now;
  }

  /** Number of live keys (for tests and introspection). */
  get size(): number {
    this.sweep(true);
    return this.keys.size;
  }

  async write(batch: WriteBatch): Promise<WriteResult> {
    const now = this.clock();
    this.sweep(false);
    const seen = this.applied.get(batch.id);
    if (seen !== undefined && seen > now) return { applied: 0, duplicates: 1, rejectedOps: 0 };
    let rejectedOps = 0;
    let rejection: string | undefined;
    for (const op of batch.ops) {
      const problem = this.apply(op, now);
      if (problem !== undefined) {
        rejectedOps += 1;
        rejection ??= problem;
      }
    }
    this.applied.set(batch.id, now + this.dedupeWindowMs);
    return rejection === undefined ? { applied: 1, duplicates: 0, rejectedOps } : { applied: 1, duplicates: 0, rejectedOps, rejection };
  }

  async readHashes(reads: readonly HashRead[]): Promise<(number | null)[][]> {
    const now = this.clock();
    return reads.map((read) => {
      const entry = this.typed(read.key, 'hash');
      const data = entry?.value.data as Map<string, number> | undefined;
      const expiries = entry?.fieldExpiries;
      return read.fields.map((field) => (expiries !== undefined && (expiries.get(field) ?? Infinity) <= now ? null : (data?.get(field) ?? null)));
    });
  }

  async readWholeHashes(keys: readonly string[]): Promise<Record<string, number>[]> {
    return keys.map((key) => {
      const data = this.typed(key, 'hash')?.value.data as Map<string, number> | undefined;
      return data === undefined ? {} : Object.fromEntries(data);
    });
  }

  async readStrings(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map((key) => (this.typed(key, 'string')?.value.data as string | undefined) ?? null);
  }

  async readSets(keys: readonly string[]): Promise<string[][]> {
    return keys.map((key) => [...((this.typed(key, 'set')?.value.data as Set<string> | undefined) ?? [])]);
  }

  async countUnique(keys: readonly string[]): Promise<number> {
    const union = new Set<string>();
    for (const key of keys) for (const member of (this.typed(key, 'unique')?.value.data as Set<string> | undefined) ?? []) union.add(member);
    return union.size;
  }

  async deleteByPrefix(keyPrefix: string): Promise<number> {
    if (!keyPrefix.startsWith(this.prefix)) throw new Error(`deleteByPrefix: ${JSON.stringify(keyPrefix)} is outside the store prefix ${JSON.stringify(this.prefix)}`);
    let deleted = 0;
    const now = this.clock();
    for (const [key, entry] of this.keys) {
      if (!key.startsWith(keyPrefix)) continue;
      this.keys.delete(key);
      if (entry.expiresAt > now) deleted += 1;
    }
    return deleted;
  }

  async clear(): Promise<number> {
    const deleted = await this.deleteByPrefix(keyspaceOf(this.prefix));
    this.applied.clear();
    return deleted;
  }

  async close(): Promise<void> {
    // nothing to release
  }

  /** Applies one op; returns why it was rejected, if it was. */
  private apply(op: WriteOp, now: number): string | undefined {
    switch (op.kind) {
      case 'del':
        this.keys.delete(op.key);
        return undefined;
      case 'set': {
        this.keys.set(op.key, { value: { type: 'string', data: op.value }, expiresAt: Number.POSITIVE_INFINITY });
        return undefined;
      }
      case 'srem': {
        const entry = this.entry(op.key, 'set', now, false);
        if (typeof entry === 'string') return entry;
        if (entry === undefined) return undefined;
        const set = entry.value.data as Set<string>;
        for (const member of op.members) set.delete(member);
        if (set.size === 0) this.keys.delete(op.key);
        return undefined;
      }
      case 'sadd':
      case 'pfadd': {
        const entry = this.entry(op.key, op.kind === 'sadd' ? 'set' : 'unique', now, true);
        if (typeof entry === 'string') return entry;
        const set = entry!.value.data as Set<string>;
        for (const member of op.members) set.add(member);
        if (op.kind === 'pfadd') this.expire(op.key, entry!, op.expiry, now);
        return undefined;
      }
      case 'hsetadjust': {
        const counter = this.entry(op.counterKey, 'hash', now, true);
        if (typeof counter === 'string') return counter;
        const entry = this.entry(op.key, 'hash', now, true);
        if (typeof entry === 'string') return entry;
        this.purgeFields(entry!, now);
        const hash = entry!.value.data as Map<string, number>;
        const delta = op.value - (hash.get(op.field) ?? 0);
        hash.set(op.field, op.value);
        const totals = counter!.value.data as Map<string, number>;
        if (delta !== 0) totals.set(op.counterField, (totals.get(op.counterField) ?? 0) + delta);
        this.expire(op.key, entry!, op.expiry, now);
        return undefined;
      }
      case 'hmin':
      case 'hmax': {
        const entry = this.entry(op.key, 'hash', now, true);
        if (typeof entry === 'string') return entry;
        this.purgeFields(entry!, now);
        const hash = entry!.value.data as Map<string, number>;
        for (let i = 0; i < op.fields.length; i++) {
          const old = hash.get(op.fields[i]!);
          const value = op.values[i]!;
          if (old === undefined || (op.kind === 'hmin' ? value < old : value > old)) hash.set(op.fields[i]!, value);
        }
        this.expire(op.key, entry!, op.expiry, now);
        return undefined;
      }
      case 'hincr':
      case 'hset': {
        const entry = this.entry(op.key, 'hash', now, true);
        if (typeof entry === 'string') return entry;
        this.purgeFields(entry!, now);
        const hash = entry!.value.data as Map<string, number>;
        for (let i = 0; i < op.fields.length; i++) {
          const field = op.fields[i]!;
          hash.set(field, op.kind === 'hset' ? op.values[i]! : (hash.get(field) ?? 0) + op.values[i]!);
          const fx = op.fieldExpiries?.[i] ?? 0;
          if (fx !== 0) {
            const expiries = (entry!.fieldExpiries ??= new Map());
            const current = expiries.get(field);
            if (current === undefined || fx * 1000 < current) expiries.set(field, fx * 1000);
          }
        }
        this.expire(op.key, entry!, op.expiry, now);
        return undefined;
      }
    }
  }

  /** The live entry of `key` of `type`, created when missing and `create`; a string when it holds another type. */
  private entry(key: string, type: Value['type'], now: number, create: boolean): Entry | string | undefined {
    let entry = this.keys.get(key);
    if (entry !== undefined && entry.expiresAt <= now) {
      this.keys.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      if (!create) return undefined;
      const data = type === 'hash' ? new Map<string, number>() : new Set<string>();
      entry = { value: { type, data } as Value, expiresAt: Number.POSITIVE_INFINITY };
      this.keys.set(key, entry);
      return entry;
    }
    return entry.value.type === type ? entry : `WRONGTYPE ${key} holds a ${entry.value.type}, not a ${type}`;
  }

  private typed(key: string, type: Value['type']): Entry | undefined {
    const entry = this.entry(key, type, this.clock(), false);
    if (typeof entry === 'string') throw new Error(entry);
    return entry;
  }

  /** Deletes the fields of a hash whose own expiry has passed (with their values), so later writes start afresh. */
  private purgeFields(entry: Entry, now: number): void {
    const expiries = entry.fieldExpiries;
    if (expiries === undefined) return;
    const hash = entry.value.data as Map<string, number>;
    for (const [field, at] of expiries) {
      if (at > now) continue;
      hash.delete(field);
      expiries.delete(field);
    }
  }

  /** Redis `EXPIREAT NX` / `EXPIREAT LT`; an expiry in the past deletes the key. */
  private expire(key: string, entry: Entry, expiry: KeyExpiry | undefined, now: number): void {
    if (expiry === undefined) return;
    if (expiry.nx !== undefined && entry.expiresAt === Number.POSITIVE_INFINITY) entry.expiresAt = expiry.nx * 1000;
    if (expiry.lt !== undefined && expiry.lt * 1000 < entry.expiresAt) entry.expiresAt = expiry.lt * 1000;
    if (entry.expiresAt <= now) this.keys.delete(key);
  }

  private sweep(force: boolean): void {
    const now = this.clock();
    if (!force && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.keys) if (entry.expiresAt <= now) this.keys.delete(key);
    for (const [id, until] of this.applied) if (until <= now) this.applied.delete(id);
  }
}
