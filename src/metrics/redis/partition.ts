import type { WriteBatch, WriteOp } from '../CounterStore.js';
import { tagPrefix } from '../keys.js';
import { keySlot } from './slot.js';

/** One script call: KEYS and ARGV of `APPLY_SCRIPT`, all keys in one hash slot (in Cluster mode). */
export interface ScriptPart {
  /** Unique per batch, stable across retries of it: `<batch id>:<group>:<index>`. */
  readonly id: string;
  /** Hash slot of every key (0 for a standalone server). */
  readonly slot: number;
  /** Marker key first, then one key per op. */
  readonly keys: string[];
  readonly args: string[];
  /** Fields and members carried (for sizing). */
  readonly items: number;
}

/** ARGV[2] of a part without a deadline (the store puts the batch's deadline there). */
export const NO_DEADLINE = '0';

const OPCODES: Readonly<Record<WriteOp['kind'], string>> = { hincr: 'hi', hset: 'hs', hmin: 'hm', hmax: 'hM', pfadd: 'pf', sadd: 'sa', srem: 'sr', set: 'st', del: 'dl', hsetadjust: 'ha' };

/**
 * Splits a batch into script parts: one group per hash slot in Cluster mode
 * (one group on a standalone server), each cut into parts of at most
 * `maxItems` fields or members (a bigger op is split). Deterministic, so a
 * retried batch yields the same part ids and markers.
 */
export function partition(batch: WriteBatch, options: { cluster: boolean; maxItems: number; markerTtlSeconds: number }): ScriptPart[] {
  const groups = new Map<number, WriteOp[]>();
  for (const op of batch.ops) {
    const slot = options.cluster ? keySlot(op.key) : 0;
    let group = groups.get(slot);
    if (group === undefined) {
      group = [];
      groups.set(slot, group);
    }
    group.push(op);
  }
  const parts: ScriptPart[] = [];
  for (const [slot, ops] of groups) {
    let keys: string[] = [];
    let args: string[] = [];
    let items = 0;
    let index = 0;
    const close = (): void => {
      if (keys.length === 0) return;
      const id = `${batch.id}:${slot}:${index++}`;
      parts.push({ id, slot, keys: [`${tagPrefix(keys[0]!)}x:${id}`, ...keys], args: [String(options.markerTtlSeconds), NO_DEADLINE, ...args], items });
      keys = [];
      args = [];
      items = 0;
    };
    for (const op of ops) {
      for (const piece of split(op, options.maxItems)) {
        const size = itemCount(piece);
        if (items > 0 && items + size > options.maxItems) close();
        keys.push(piece.key);
        if (piece.kind === 'hsetadjust') keys.push(piece.counterKey); // same hash tag, so the same slot
        encode(piece, args);
        items += Math.max(size, 1);
      }
    }
    close();
  }
  return parts;
}

function itemCount(op: WriteOp): number {
  switch (op.kind) {
    case 'hincr':
    case 'hset':
    case 'hmin':
    case 'hmax':
      return op.fields.length;
    case 'pfadd':
    case 'sadd':
    case 'srem':
      return op.members.length;
    default:
      return 1;
  }
}

/** Cuts an op with more than `max` items into several. */
function split(op: WriteOp, max: number): WriteOp[] {
  if (itemCount(op) <= max) return [op];
  const pieces: WriteOp[] = [];
  if (op.kind === 'hmin' || op.kind === 'hmax') {
    for (let i = 0; i < op.fields.length; i += max) pieces.push({ ...op, fields: op.fields.slice(i, i + max), values: op.values.slice(i, i + max) });
  } else if (op.kind === 'hincr' || op.kind === 'hset') {
    for (let i = 0; i < op.fields.length; i += max) {
      const piece = { ...op, fields: op.fields.slice(i, i + max), values: op.values.slice(i, i + max) };
      pieces.push(op.fieldExpiries === undefined ? piece : { ...piece, fieldExpiries: op.fieldExpiries.slice(i, i + max) });
    }
  } else if (op.kind === 'pfadd' || op.kind === 'sadd' || op.kind === 'srem') {
    for (let i = 0; i < op.members.length; i += max) pieces.push({ ...op, members: op.members.slice(i, i + max) });
  } else {
    pieces.push(op);
  }
  return pieces;
}

function encode(op: WriteOp, args: string[]): void {
  const expiry = 'expiry' in op ? op.expiry : undefined;
  const fx = (op.kind === 'hincr' || op.kind === 'hset') && op.fieldExpiries !== undefined ? op.fieldExpiries : undefined;
  // Fields with their own expiry: `hI`/`hS` with (field, value, expiry) triples.
  const code = fx === undefined ? OPCODES[op.kind] : op.kind === 'hincr' ? 'hI' : 'hS';
  args.push(code, expiry?.nx === undefined ? '0' : String(expiry.nx), expiry?.lt === undefined ? '0' : String(expiry.lt));
  switch (op.kind) {
    case 'hincr':
    case 'hset':
    case 'hmin':
    case 'hmax':
      args.push(String(op.fields.length));
      for (let i = 0; i < op.fields.length; i++) {
        args.push(op.fields[i]!, String(op.values[i]!));
        if (fx !== undefined) args.push(String(fx[i]!));
      }
      return;
    case 'pfadd':
    case 'sadd':
    case 'srem':
      args.push(String(op.members.length), ...op.members);
      return;
    case 'set':
      args.push('1', op.value);
      return;
    case 'del':
      args.push('0');
      return;
    case 'hsetadjust':
      args.push('3', op.field, String(op.value), op.counterField);
      return;
  }
}
