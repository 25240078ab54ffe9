import type { CounterStore, HashRead, WriteBatch, WriteResult } from '../CounterStore.js';
import { keyspaceOf } from '../keys.js';
import { loadIoredis, type RedisClient, type RedisClientLike, type RedisClusterClient } from './driver.js';
import { partition, type ScriptPart } from './partition.js';
import { checkConnection, DEFAULT_REDIS_CLOSE_TIMEOUT_MS, resolveRedisCounterStoreOptions, type RedisCounterStoreOptions, type ResolvedRedisCounterStoreOptions } from './RedisCounterStoreOptions.js';
import { APPLY_SCRIPT, applyScriptSha1 } from './scripts.js';
import { keySlot } from './slot.js';

type Reply = [Error | null, unknown];

/** Taken off a write's deadline: the reply of a part applied just before it must reach us before the caller's timeout. */
export const DEADLINE_MARGIN_MS = 100;

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
 *
 * A batch with a `deadline` is applied only before it: the script compares
 * it with the server's clock (`TIME`, offset measured when scripts load), so
 * a call held on a hung connection and run after the caller gave up is a
 * no-op (reported as not applied), never a late write.
 *
 * A connection the store opens (`url`, `cluster`) never keeps the process
 * alive by itself: its sockets are unref'd, and held only while a call is
 * outstanding. `close(timeoutMs)` quits, then disconnects hard.
 *
 * ioredis is an optional peer dependency (5 or 6), loaded when the store
 * opens its own connection; a `client` of either major is used as it is.
 */
export class RedisCounterStore<C extends RedisClientLike = RedisClientLike> implements CounterStore {
  readonly prefix: string;
  readonly dedupeWindowMs: number;
  /** The ioredis client in use (the one given, or the one the store opened). */
  readonly client: C;
  private readonly redis: RedisClient;
  private readonly options: ResolvedRedisCounterStoreOptions;
  private readonly ownsClient: boolean;
  private readonly isCluster: boolean;
  private scriptsLoaded = false;
  /** Server clock minus ours, ms (measured when the scripts load). */
  private clockOffsetMs = 0;
  /** Half the round trip of that measure: how far the offset may be off. */
  private clockErrorMs = 0;
  private outstanding = 0;
  private keepAlive: NodeJS.Timeout | undefined;
  private hardClosed = false;
  private closing: Promise<void> | undefined;
  /** The last connection error of a client the store opened (ioredis reconnects by itself). */
  lastConnectionError: Error | undefined;

  /** @throws ConfigurationError naming the bad option. */
  constructor(options: RedisCounterStoreOptions<C>) {
    const kind = checkConnection(options);
    this.options = resolveRedisCounterStoreOptions(options);
    this.prefix = this.options.prefix;
    this.dedupeWindowMs = this.options.dedupeTtlSeconds * 1000;
    if (kind === 'client') {
      this.redis = options.client as unknown as RedisClient;
      this.ownsClient = false;
    } else {
      const ioredis = loadIoredis(kind);
      this.redis =
        kind === 'url'
          ? new ioredis.Redis(options.url!, { enableAutoPipelining: true, ...options.redisOptions })
          : new ioredis.Cluster(
              options.cluster!.map((n) => ({ host: n.host, port: n.port })),
              { enableAutoPipelining: true, ...options.clusterOptions, ...(options.redisOptions === undefined ? {} : { redisOptions: options.redisOptions }) },
            );
      this.ownsClient = true;
      // Without a listener ioredis prints connection errors to the console; failures surface through the calls anyway.
      this.redis.on('error', (error: Error) => {
        this.lastConnectionError = error;
      });
      // The sockets do not hold the process open; `track` holds it while a call is outstanding.
      const unref = (node: RedisClient): void => {
        node.on('connect', () => node.stream?.unref());
      };
      unref(this.redis);
      this.redis.on('+node', (node: RedisClient) => unref(node));
    }
    this.client = this.redis as unknown as C;
    this.isCluster = this.redis.isCluster === true;
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    return this.track(this.writeNow(batch), batch.deadline);
  }

  private async writeNow(batch: WriteBatch): Promise<WriteResult> {
    const parts = partition(batch, { cluster: this.isCluster, maxItems: this.options.maxItemsPerScript, markerTtlSeconds: this.options.dedupeTtlSeconds });
    if (parts.length === 0) return { applied: 0, duplicates: 0, rejectedOps: 0 };
    if (!this.scriptsLoaded) await this.loadScripts();
    try {
      return await this.applyParts(parts, batch.deadline);
    } catch (error) {
      // After a hard close a call may still sit in the server's socket buffer: it is not "failed" before its
      // deadline has passed (the script refuses it from then on), so the caller hears of it no earlier.
      if (this.hardClosed && batch.deadline !== undefined && batch.deadline > Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, batch.deadline! - Date.now()).unref());
      }
      throw error;
    }
  }

  private async applyParts(parts: ScriptPart[], deadline: number | undefined): Promise<WriteResult> {
    if (deadline !== undefined) {
      // In the server's clock, less what the offset may be off and the way back of the reply.
      const serverDeadline = String(Math.floor(deadline + this.clockOffsetMs - this.clockErrorMs - DEADLINE_MARGIN_MS));
      parts = parts.map((part) => ({ ...part, args: [part.args[0]!, serverDeadline, ...part.args.slice(2)] }));
    }
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
      if (count === -2) failure ??= new Error('the write reached Redis after its deadline and was not applied');
      else if (count === -1) duplicates += 1;
      else {
        applied += 1;
        rejectedOps += count;
        if (count > 0) rejection ??= first;
      }
    }
    if (failure !== undefined) {
      const failed = replies.filter(([e, r]) => e !== null || (r as [number])[0] === -2).length;
      throw new Error(`${failed} of ${parts.length} part(s) failed (the others are applied; retry the same batch): ${failure.message}`, { cause: failure });
    }
    return rejection === undefined ? { applied, duplicates, rejectedOps } : { applied, duplicates, rejectedOps, rejection };
  }

  async readHashes(reads: readonly HashRead[]): Promise<(number | null)[][]> {
    // Each read also fetches the fields' own expiries (the `<key>:ttl` companion of APPLY_SCRIPT); a field past its
    // expiry that no write has purged yet reads as missing.
    const hmget = (key: string, fields: readonly string[]): Promise<(string | null)[]> => (fields.length === 0 ? Promise.resolve([]) : this.redis.hmget(key, ...fields));
    const [replies, expiries] = await this.track(Promise.all([
      Promise.all(reads.map((read) => hmget(read.key, read.fields))),
      Promise.all(reads.map((read) => hmget(`${read.key}:ttl`, read.fields))),
    ]));
    const now = Date.now() / 1000;
    return replies.map((values, r) =>
      values.map((value, i) => {
        const expiry = expiries[r]![i];
        return value === null || (expiry != null && Number(expiry) <= now) ? null : Number(value);
      }),
    );
  }

  async readWholeHashes(keys: readonly string[]): Promise<Record<string, number>[]> {
    const replies = await this.track(Promise.all(keys.map((key) => this.redis.hgetall(key))));
    return replies.map((reply) => {
      const out: Record<string, number> = {};
      for (const field in reply) out[field] = Number(reply[field]);
      return out;
    });
  }

  readStrings(keys: readonly string[]): Promise<(string | null)[]> {
    return this.track(Promise.all(keys.map((key) => this.redis.get(key))));
  }

  readSets(keys: readonly string[]): Promise<string[][]> {
    return this.track(Promise.all(keys.map((key) => this.redis.smembers(key))));
  }

  async countUnique(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.track(this.redis.pfcount(...(keys as string[])));
  }

  async deleteByPrefix(keyPrefix: string): Promise<number> {
    if (!keyPrefix.startsWith(this.prefix)) throw new Error(`deleteByPrefix: ${JSON.stringify(keyPrefix)} is outside the store prefix ${JSON.stringify(this.prefix)}`);
    const pattern = `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const counts = await this.track(Promise.all(this.masters().map((node) => this.scanDelete(node, pattern))));
    return counts.reduce((a, b) => a + b, 0);
  }

  clear(): Promise<number> {
    return this.deleteByPrefix(keyspaceOf(this.prefix));
  }

  /**
   * Closes the connection the store opened (a `client` passed in stays open):
   * QUIT, waiting at most `timeoutMs` (default 2000,
   * {@link DEFAULT_REDIS_CLOSE_TIMEOUT_MS}), then a hard disconnect, so a hung
   * server cannot stall it. Resolves within the deadline; idempotent (later
   * calls return the first call's promise).
   */
  close(timeoutMs: number = DEFAULT_REDIS_CLOSE_TIMEOUT_MS): Promise<void> {
    this.closing ??= (async () => {
      if (!this.ownsClient || this.redis.status === 'end') return;
      if (this.redis.status !== 'ready' && this.redis.status !== 'connect') {
        // QUIT would wait in the offline queue until the server is back. Disconnecting cancels the reconnect
        // timer; with no socket left, ioredis emits no 'end', so there is nothing to wait for.
        this.disconnectHard();
        return;
      }
      const ended = new Promise<void>((resolve) => this.redis.once('end', () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), Math.max(0, timeoutMs));
      });
      try {
        const quit = this.redis.quit().then(() => ended);
        quit.catch(() => undefined);
        if ((await Promise.race([quit, expired])) === 'expired') {
          this.disconnectHard();
          // The destroyed socket closes on a later tick; let ioredis see it (status 'end') before we return.
          await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 50))]);
        }
      } catch {
        this.disconnectHard();
      } finally {
        clearTimeout(timer);
      }
    })();
    return this.closing;
  }

  /** Drops every connection now: no QUIT, sockets destroyed (a half-closed socket to a hung server would hold the process). */
  private disconnectHard(): void {
    this.hardClosed = true;
    const nodes = this.isCluster ? (this.redis as RedisClusterClient).nodes('all') : [];
    this.redis.disconnect();
    for (const node of [this.redis, ...nodes]) {
      node.disconnect();
      node.stream?.destroy();
    }
    this.releaseKeepAlive(true);
  }

  /**
   * Holds the process open while `call` is outstanding on a connection the
   * store opened (its sockets are unref'd) — no longer than `until` (epoch
   * ms), after which its caller has stopped waiting anyway.
   */
  private track<T>(call: Promise<T>, until?: number): Promise<T> {
    if (!this.ownsClient) return call;
    this.outstanding += 1;
    this.keepAlive ??= setInterval(() => undefined, 2 ** 31 - 1);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      this.outstanding -= 1;
      this.releaseKeepAlive(false);
    };
    const limit = until === undefined ? undefined : setTimeout(release, Math.max(0, until - Date.now())).unref();
    return call.finally(() => {
      clearTimeout(limit);
      release();
    });
  }

  private releaseKeepAlive(always: boolean): void {
    if (this.keepAlive === undefined || (!always && this.outstanding > 0)) return;
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  /**
   * One pipeline per node; replies in the order of `parts`. In Cluster mode a
   * MOVED/ASK reply or a connection error means the slot map or the node pool
   * is stale (a master restarted: ioredis dropped it from its pool, and only
   * follows a pipeline's redirection when every reply names the same slot):
   * the map is reloaded, and the parts refused with MOVED (not run, so safe to
   * send again) are sent once more by the fresh map. Parts lost to a
   * connection error are left to the caller's retry (their markers dedupe).
   */
  private async send(parts: readonly ScriptPart[], again = false): Promise<Reply[]> {
    const replies = await this.sendOnce(parts);
    if (!this.isCluster) return replies;
    const stale = replies.some(([error]) => error !== null && isStaleRouting(error));
    if (!stale) return replies;
    await this.refreshSlots();
    const moved = again ? [] : parts.filter((_, i) => replies[i]![0]?.message.startsWith('MOVED ') === true);
    if (moved.length === 0) return replies;
    const resent = await this.send(moved, true);
    return replies.map((reply, i) => {
      const index = moved.indexOf(parts[i]!);
      return index === -1 ? reply : resent[index]!;
    });
  }

  /** Reloads the cluster's slot map and node pool (at most {@link SLOTS_REFRESH_WAIT_MS}; a failure leaves the old map). */
  private refreshSlots(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SLOTS_REFRESH_WAIT_MS).unref();
      (this.redis as RedisClusterClient).refreshSlotsCache(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async sendOnce(parts: readonly ScriptPart[]): Promise<Reply[]> {
    const groups = new Map<string, number[]>();
    if (this.isCluster && (this.redis as RedisClusterClient).slots.length === 0) await this.redis.ping(); // wait for the slot map
    parts.forEach((part, index) => {
      const node = this.isCluster ? ((this.redis as RedisClusterClient).slots[part.slot]?.join(',') ?? `slot:${part.slot}`) : '';
      const group = groups.get(node);
      if (group === undefined) groups.set(node, [index]);
      else group.push(index);
    });
    const replies = new Array<Reply>(parts.length);
    await Promise.all(
      [...groups.values()].map(async (indices) => {
        const pipeline = this.redis.pipeline();
        for (const index of indices) {
          const part = parts[index]!;
          pipeline.evalsha(applyScriptSha1(), part.keys.length, ...part.keys, ...part.args);
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
    if (this.isCluster && (this.redis as RedisClusterClient).slots.length === 0) await this.redis.ping();
    const masters = this.masters();
    await Promise.all(masters.map((node) => node.script('LOAD', APPLY_SCRIPT)));
    // The server clock against ours, for write deadlines (one master stands for all).
    const before = Date.now();
    const [seconds, micros] = await masters[0]!.time();
    const after = Date.now();
    this.clockOffsetMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (before + after) / 2;
    this.clockErrorMs = (after - before) / 2 + 1;
    this.scriptsLoaded = true;
  }

  private masters(): RedisClient[] {
    return this.isCluster ? (this.redis as RedisClusterClient).nodes('master') : [this.redis];
  }

  private async scanDelete(node: RedisClient, pattern: string): Promise<number> {
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

/** How long a write waits for a cluster slot map reload, ms. */
const SLOTS_REFRESH_WAIT_MS = 2_000;

/** A reply that says the cluster's routing changed under us: a redirection, a cluster not ready, or a lost node. */
function isStaleRouting(error: Error): boolean {
  const message = error.message;
  return (
    message.startsWith('MOVED ') ||
    message.startsWith('ASK ') ||
    message.startsWith('CLUSTERDOWN') ||
    message.startsWith('TRYAGAIN') ||
    /Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Stream isn't writeable|Failed to refresh slots cache/.test(message)
  );
}
