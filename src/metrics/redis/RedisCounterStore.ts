import { Cluster, Redis } from 'ioredis';
import type { CounterStore, HashRead, WriteBatch, WriteResult } from '../CounterStore.js';
import { keyspaceOf } from '../keys.js';
import { partition, type ScriptPart } from './partition.js';
import { checkConnection, resolveRedisCounterStoreOptions, type RedisCounterStoreOptions, type ResolvedRedisCounterStoreOptions } from './RedisCounterStoreOptions.js';
import { APPLY_SCRIPT, APPLY_SCRIPT_SHA } from './scripts.js';
import { keySlot } from './slot.js';

type Reply = [Error | null, unknown];

/**
 * Counters on Redis (standalone or Cluster) through ioredis.
 *
 * A flush batch becomes one Lua script call per hash slot group (everything
 * on a standalone server; per slot in a Cluster, since a slug's keys share a
 * hash tag), sent as ONE pipeline per server — one round trip per flush per
 * node. Each script call first does `SET <marker> NX EX dedupeTtlSeconds` on a
 * marker in the same slot and skips when it exists, so a batch retried after
 * a timeout, a lost reply or a reconnect is applied at most once. The script
 * is loaded once per node (`SCRIPT LOAD`) and called by SHA (`EVALSHA`),
 * reloaded on `NOSCRIPT`. Deletes use SCAN + UNLINK (every master of a
 * Cluster), never KEYS.
 */
export class RedisCounterStore implements CounterStore {
  readonly prefix: string;
  readonly dedupeWindowMs: number;
  /** The ioredis client in use. */
  readonly client: Redis | Cluster;
  private readonly options: ResolvedRedisCounterStoreOptions;
  private readonly ownsClient: boolean;
  private readonly isCluster: boolean;
  private scriptsLoaded = false;
  private closing: Promise<void> | undefined;
  /** The last connection error of a client the store opened (ioredis reconnects by itself). */
  lastConnectionError: Error | undefined;

  /** @throws ConfigurationError naming the bad option. */
  constructor(options: RedisCounterStoreOptions) {
    const kind = checkConnection(options);
    this.options = resolveRedisCounterStoreOptions(options);
    this.prefix = this.options.prefix;
    this.dedupeWindowMs = this.options.dedupeTtlSeconds * 1000;
    if (kind === 'client') {
      this.client = options.client!;
      this.ownsClient = false;
    } else {
      this.client =
        kind === 'url'
          ? new Redis(options.url!, { enableAutoPipelining: true, ...options.redisOptions })
          : new Cluster(
              options.cluster!.map((n) => ({ host: n.host, port: n.port })),
              { enableAutoPipelining: true, ...options.clusterOptions, ...(options.redisOptions === undefined ? {} : { redisOptions: options.redisOptions }) },
            );
      this.ownsClient = true;
      // Without a listener ioredis prints connection errors to the console; failures surface through the calls anyway.
      this.client.on('error', (error: Error) => {
        this.lastConnectionError = error;
      });
    }
    this.isCluster = (this.client as { isCluster?: boolean }).isCluster === true;
  }

  async write(batch: WriteBatch): Promise<WriteResult> {
    const parts = partition(batch, { cluster: this.isCluster, maxItems: this.options.maxItemsPerScript, markerTtlSeconds: this.options.dedupeTtlSeconds });
    if (parts.length === 0) return { applied: 0, duplicates: 0, rejectedOps: 0 };
    if (!this.scriptsLoaded) await this.loadScripts();
    let replies = await this.send(parts);
    const missing = parts.filter((_, i) => replies[i]![0]?.message.startsWith('NOSCRIPT') === true);
    if (missing.length > 0) {
      // A restart or failover emptied a script cache: the part did not run, so sending it again is safe.
      await this.loadScripts();
      const again = await this.send(missing);
      replies = replies.map((reply, i) => {
        const retried = missing.indexOf(parts[i]!);
        return retried === -1 ? reply : again[retried]!;
      });
    }
    let applied = 0;
    let duplicates = 0;
    let rejectedOps = 0;
    let rejection: string | undefined;
    let failure: Error | undefined;
    for (const [error, result] of replies) {
      if (error !== null) {
        failure ??= error;
        continue;
      }
      const [count, first] = result as [number, string];
      if (count === -1) duplicates += 1;
      else {
        applied += 1;
        rejectedOps += count;
        if (count > 0) rejection ??= first;
      }
    }
    if (failure !== undefined) {
      throw new Error(`${replies.filter(([e]) => e !== null).length} of ${parts.length} part(s) failed (the others are applied; retry the same batch): ${failure.message}`, { cause: failure });
    }
    return rejection === undefined ? { applied, duplicates, rejectedOps } : { applied, duplicates, rejectedOps, rejection };
  }

  async readHashes(reads: readonly HashRead[]): Promise<(number | null)[][]> {
    // Each read also fetches the fields' own expiries (the `<key>:ttl` companion of APPLY_SCRIPT); a field past its
    // expiry that no write has purged yet reads as missing.
    const hmget = (key: string, fields: readonly string[]): Promise<(string | null)[]> => (fields.length === 0 ? Promise.resolve([]) : this.client.hmget(key, ...fields));
    const [replies, expiries] = await Promise.all([
      Promise.all(reads.map((read) => hmget(read.key, read.fields))),
      Promise.all(reads.map((read) => hmget(`${read.key}:ttl`, read.fields))),
    ]);
    const now = Date.now() / 1000;
    return replies.map((values, r) =>
      values.map((value, i) => {
        const expiry = expiries[r]![i];
        return value === null || (expiry != null && Number(expiry) <= now) ? null : Number(value);
      }),
    );
  }

  async readStrings(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.all(keys.map((key) => this.client.get(key)));
  }

  async readSets(keys: readonly string[]): Promise<string[][]> {
    return Promise.all(keys.map((key) => this.client.smembers(key)));
  }

  async countUnique(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.client.pfcount(...(keys as string[]));
  }

  async deleteByPrefix(keyPrefix: string): Promise<number> {
    if (!keyPrefix.startsWith(this.prefix)) throw new Error(`deleteByPrefix: ${JSON.stringify(keyPrefix)} is outside the store prefix ${JSON.stringify(this.prefix)}`);
    const pattern = `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const counts = await Promise.all(this.masters().map((node) => this.scanDelete(node, pattern)));
    return counts.reduce((a, b) => a + b, 0);
  }

  clear(): Promise<number> {
    return this.deleteByPrefix(keyspaceOf(this.prefix));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.ownsClient || this.client.status === 'end') return;
      const ended = new Promise<void>((resolve) => this.client.once('end', () => resolve()));
      if (this.client.status === 'reconnecting') {
        // QUIT would wait in the offline queue until the server is back. Disconnecting cancels the reconnect
        // timer; with no socket left, ioredis emits no 'end', so there is nothing to wait for (only its
        // unconditional `disconnectTimeout` timer, 2 s by default, runs out by itself).
        this.client.disconnect();
        return;
      }
      try {
        await this.client.quit();
      } catch {
        this.client.disconnect();
      }
      await ended;
    })();
    return this.closing;
  }

  /** One pipeline per node; replies in the order of `parts`. */
  private async send(parts: readonly ScriptPart[]): Promise<Reply[]> {
    const groups = new Map<string, number[]>();
    if (this.isCluster && (this.client as Cluster).slots.length === 0) await this.client.ping(); // wait for the slot map
    parts.forEach((part, index) => {
      const node = this.isCluster ? ((this.client as Cluster).slots[part.slot]?.join(',') ?? `slot:${part.slot}`) : '';
      const group = groups.get(node);
      if (group === undefined) groups.set(node, [index]);
      else group.push(index);
    });
    const replies = new Array<Reply>(parts.length);
    await Promise.all(
      [...groups.values()].map(async (indices) => {
        const pipeline = this.client.pipeline();
        for (const index of indices) {
          const part = parts[index]!;
          pipeline.evalsha(APPLY_SCRIPT_SHA, part.keys.length, ...part.keys, ...part.args);
        }
        let results: Reply[];
        try {
          results = ((await pipeline.exec()) ?? []) as Reply[];
        } catch (error) {
          results = indices.map(() => [error instanceof Error ? error : new Error(String(error)), null]);
        }
        indices.forEach((index, i) => {
          replies[index] = results[i] ?? [new Error('no reply from Redis'), null];
        });
      }),
    );
    return replies;
  }

  private async loadScripts(): Promise<void> {
    if (this.isCluster && (this.client as Cluster).slots.length === 0) await this.client.ping();
    await Promise.all(this.masters().map((node) => node.script('LOAD', APPLY_SCRIPT)));
    this.scriptsLoaded = true;
  }

  private masters(): Redis[] {
    return this.isCluster ? (this.client as Cluster).nodes('master') : [this.client as Redis];
  }

  private async scanDelete(node: Redis, pattern: string): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', this.options.scanCount);
      cursor = next;
      if (keys.length === 0) continue;
      const bySlot = new Map<number, string[]>();
      for (const key of keys) {
        const slot = this.isCluster ? keySlot(key) : 0;
        const group = bySlot.get(slot);
        if (group === undefined) bySlot.set(slot, [key]);
        else group.push(key);
      }
      const pipeline = node.pipeline();
      for (const group of bySlot.values()) pipeline.unlink(...group);
      for (const [error, count] of (await pipeline.exec()) ?? []) {
        if (error !== null) throw error;
        deleted += count as number;
      }
    } while (cursor !== '0');
    return deleted;
  }
}
