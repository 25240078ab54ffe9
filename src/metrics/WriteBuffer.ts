import type { KeyExpiry, WriteOp } from './CounterStore.js';

interface HashEntry {
  /** Field → pending increment. */
  incr: Map<string, number> | undefined;
  /** Field → value to set (later increments already added in). */
  set: Map<string, number> | undefined;
  nx: number;
  /** Field → its own expiry (epoch s; the earliest given wins), for fields written with a per-call `expire`. */
  fieldExpiries: Map<string, number> | undefined;
}

interface ExtremeEntry {
  min: Map<string, number> | undefined;
  max: Map<string, number> | undefined;
  nx: number;
}

interface MemberEntry {
  members: Set<string>;
  nx: number;
}

/**
 * Writes coalesced in process until the next flush: increments of one hash
 * field are summed, a set replaces pending increments of its field, unique
 * members and registry members are deduplicated, a string keeps its last
 * value. `size` counts the distinct writes held.
 */
export class WriteBuffer {
  private hashes = new Map<string, HashEntry>();
  private extremes = new Map<string, ExtremeEntry>();
  private hlls = new Map<string, MemberEntry>();
  private sets = new Map<string, Set<string>>();
  private strings = new Map<string, string>();
  /** Ops that go first in the batch, uncoalesced (the buffer was cut before them). */
  private leading: WriteOp[] = [];
  /** Distinct writes held. */
  size = 0;

  /** Adds `delta` to a hash field. `nx`: the key's retention expiry (epoch s, 0 none); `fx`: the field's own expiry (per-call `expire`; 0 none). */
  incr(key: string, field: string, delta: number, nx: number, fx = 0): void {
    const entry = this.hashEntry(key, nx, field, fx);
    if (entry.set !== undefined) {
      const pending = entry.set.get(field);
      if (pending !== undefined) {
        entry.set.set(field, pending + delta);
        return;
      }
    }
    const incr = (entry.incr ??= new Map());
    const pending = incr.get(field);
    if (pending === undefined) this.size += 1;
    incr.set(field, pending === undefined ? delta : pending + delta);
  }

  /** Replaces a hash field's value. */
  hset(key: string, field: string, value: number, nx: number, fx = 0): void {
    const entry = this.hashEntry(key, nx, field, fx);
    const set = (entry.set ??= new Map());
    if (entry.incr?.delete(field) === true) this.size -= 1;
    if (!set.has(field)) this.size += 1;
    set.set(field, value);
  }

  /** Lowers (`max` false) or raises (`max` true) a hash field to `value` (a timing bucket's min and max): coalesced to the extreme. */
  extreme(key: string, field: string, value: number, nx: number, max: boolean): void {
    let entry = this.extremes.get(key);
    if (entry === undefined) {
      entry = { min: undefined, max: undefined, nx };
      this.extremes.set(key, entry);
    }
    const map = max ? (entry.max ??= new Map()) : (entry.min ??= new Map());
    const pending = map.get(field);
    if (pending === undefined) {
      this.size += 1;
      map.set(field, value);
    } else if (max ? value > pending : value < pending) {
      map.set(field, value);
    }
  }

  /** Adds a member to a unique-count key. */
  pfadd(key: string, member: string, nx: number): void {
    let entry = this.hlls.get(key);
    if (entry === undefined) {
      entry = { members: new Set(), nx };
      this.hlls.set(key, entry);
    }
    if (!entry.members.has(member)) {
      entry.members.add(member);
      this.size += 1;
    }
  }

  /** Adds a member to a registry set. */
  sadd(key: string, member: string): void {
    let set = this.sets.get(key);
    if (set === undefined) {
      set = new Set();
      this.sets.set(key, set);
    }
    if (!set.has(member)) {
      set.add(member);
      this.size += 1;
    }
  }

  /** Sets a string key (gauges). */
  setString(key: string, value: string): void {
    if (!this.strings.has(key)) this.size += 1;
    this.strings.set(key, value);
  }

  /**
   * Adds an op that must not be coalesced with others and is sent before every other op of the batch: call it on
   * an empty buffer (the caller cuts the batch first), so that it comes first in time too.
   */
  lead(op: WriteOp): void {
    this.leading.push(op);
    this.size += 1;
  }

  /** Everything held as store ops (registries last), leaving the buffer empty. */
  take(): WriteOp[] {
    const ops: WriteOp[] = this.leading;
    this.leading = [];
    for (const [key, entry] of this.hashes) {
      const expiry = toExpiry(entry.nx, 0);
      const fx = entry.fieldExpiries;
      if (entry.set !== undefined && entry.set.size > 0) {
        const fields = [...entry.set.keys()];
        ops.push({ kind: 'hset', key, fields, values: [...entry.set.values()], ...expiry, ...fieldExpiriesOf(fields, fx) });
      }
      if (entry.incr !== undefined && entry.incr.size > 0) {
        const fields = [...entry.incr.keys()];
        ops.push({ kind: 'hincr', key, fields, values: [...entry.incr.values()], ...expiry, ...fieldExpiriesOf(fields, fx) });
      }
    }
    for (const [key, entry] of this.extremes) {
      const expiry = toExpiry(entry.nx, 0);
      if (entry.min !== undefined) ops.push({ kind: 'hmin', key, fields: [...entry.min.keys()], values: [...entry.min.values()], ...expiry });
      if (entry.max !== undefined) ops.push({ kind: 'hmax', key, fields: [...entry.max.keys()], values: [...entry.max.values()], ...expiry });
    }
    for (const [key, entry] of this.hlls) ops.push({ kind: 'pfadd', key, members: [...entry.members], ...toExpiry(entry.nx, 0) });
    for (const [key, value] of this.strings) ops.push({ kind: 'set', key, value });
    for (const [key, members] of this.sets) ops.push({ kind: 'sadd', key, members: [...members] });
    this.hashes = new Map();
    this.extremes = new Map();
    this.hlls = new Map();
    this.sets = new Map();
    this.strings = new Map();
    this.size = 0;
    return ops;
  }

  private hashEntry(key: string, nx: number, field: string, fx: number): HashEntry {
    let entry = this.hashes.get(key);
    if (entry === undefined) {
      entry = { incr: undefined, set: undefined, nx, fieldExpiries: undefined };
      this.hashes.set(key, entry);
    }
    if (fx !== 0) {
      const expiries = (entry.fieldExpiries ??= new Map());
      const earlier = expiries.get(field);
      if (earlier === undefined || fx < earlier) expiries.set(field, fx);
    }
    return entry;
  }
}

function fieldExpiriesOf(fields: readonly string[], expiries: Map<string, number> | undefined): { fieldExpiries?: number[] } {
  if (expiries === undefined || !fields.some((f) => expiries.has(f))) return {};
  return { fieldExpiries: fields.map((f) => expiries.get(f) ?? 0) };
}

function toExpiry(nx: number, lt: number): { expiry?: KeyExpiry } {
  if (nx === 0 && lt === 0) return {};
  return { expiry: { ...(nx === 0 ? {} : { nx }), ...(lt === 0 ? {} : { lt }) } };
}
