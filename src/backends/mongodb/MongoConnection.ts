import { EventTrackError } from '../../errors.js';
import { collectionOf, type MongoCollection, type MongoDriverClient } from './driver.js';
import { type MongoConnectionOptions, type ResolvedConnection, resolveConnection } from './MongoConnectionOptions.js';

/** How long `close()` of a MongoDB backend or store waits for the client it created to close, ms. */
export const DEFAULT_MONGO_CLOSE_TIMEOUT_MS = 5000;

/**
 * Clients eventtrack created, with their owner and the operations running on
 * them from every connection that shares them (a store sharing
 * `backend.client`): such a sharer may reconnect the client, and the owner
 * closes it only when none of them is using it.
 */
const ours = new WeakMap<object, Usage>();
/** Who owns a client, how many operations run on it, whether it may be open. */
interface Usage {
  owner: MongoConnection | undefined;
  outstanding: number;
  opened: boolean;
}

/** Connections whose client is closed when the process is about to exit. */
const live = new Set<MongoConnection>();
let listening = false;

function onBeforeExit(): void {
  for (const connection of live) connection.closeWhenIdle();
}

/** True when the client's topology is gone: closed, never connected, or a failed connect left it closed. */
export function isTopologyGone(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'MongoTopologyClosedError' || name === 'MongoNotConnectedError';
}

/**
 * The client of a MongoDB backend or event store and its life cycle.
 *
 * A client created from `url` is connected explicitly before its first
 * operation; a failed connect is tried again by the next operation, and an
 * operation that finds the topology closed (a failed implicit connect, or the
 * client closed while idle) reconnects once and runs again — so a backend
 * started before its database delivers once the database is up. It is closed
 * after `idleCloseMs` without operations and when the process is about to
 * exit, so it never holds a finished process open. A client the application
 * passed in is used as it is.
 */
export class MongoConnection {
  readonly client: MongoDriverClient;
  readonly ownsClient: boolean;
  readonly db: string;
  readonly collection: string;
  private readonly idleCloseMs: number;
  private connecting: Promise<void> | undefined;
  /** Settles when the last idle close of the client is done. */
  idleClosing: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private exiting = false;
  private closing: Promise<void> | undefined;

  /** @param resolve - how options become a client (a seam for tests). */
  constructor(options: MongoConnectionOptions, resolve: (options: MongoConnectionOptions) => ResolvedConnection = resolveConnection) {
    const resolved = resolve(options);
    this.client = resolved.client;
    this.ownsClient = resolved.ownsClient;
    this.db = resolved.db;
    this.collection = resolved.collection;
    this.idleCloseMs = resolved.idleCloseMs;
    if (this.ownsClient) {
      ours.set(this.client, { owner: this, outstanding: 0, opened: false });
      live.add(this);
      if (!listening) {
        process.on('beforeExit', onBeforeExit);
        listening = true;
      }
    }
  }

  /** True when this connection may (re)connect the client: it created it, or another eventtrack component did. */
  private get managed(): boolean {
    return this.ownsClient || ours.has(this.client);
  }

  /** Operations running on the client, from this connection and those sharing its client. */
  private get usage(): Usage {
    let usage = ours.get(this.client) ?? this.ownUsage;
    if (usage === undefined) usage = this.ownUsage = { owner: undefined, outstanding: 0, opened: false };
    return usage;
  }

  private ownUsage: Usage | undefined;

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** A collection of the database, typed as eventtrack uses it. */
  collectionOf<T>(options?: object): MongoCollection<T> {
    return collectionOf<T>(this.client, this.db, this.collection, options);
  }

  /**
   * Runs `operation` on a connected client. On a closed topology, a managed
   * client is reconnected and `operation` run once more (eventtrack's
   * operations are idempotent: inserts carry the event id as `_id`).
   */
  async run<R>(operation: () => Promise<R>): Promise<R> {
    const release = await this.hold();
    try {
      try {
        return await operation();
      } catch (error) {
        if (!this.managed || !isTopologyGone(error) || this.closing !== undefined) throw error;
        this.connecting = undefined;
        await this.connect();
        return await operation();
      }
    } catch (error) {
      if (this.managed && isTopologyGone(error)) this.connecting = undefined;
      throw error;
    } finally {
      release();
    }
  }

  /**
   * Connects (a managed client) and keeps the client from being closed while
   * idle until the returned release is called (for cursors read over time).
   */
  async hold(): Promise<() => void> {
    if (this.closing !== undefined) throw new EventTrackError('the MongoDB connection is closed', { code: 'ERR_EVENTTRACK_CLOSED' });
    const usage = this.usage;
    usage.outstanding += 1;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      usage.outstanding -= 1;
      if (usage.outstanding === 0) usage.owner?.idle();
    };
    try {
      if (this.managed) await this.connect();
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /**
   * The owner connects once (a failed connect is forgotten, so the next
   * operation tries again); a connection sharing the owner's client asks the
   * driver each time (cheap once connected), since the owner may have closed
   * it while idle.
   */
  private connect(): Promise<void> {
    this.usage.opened = true;
    if (!this.ownsClient) {
      const owner = ours.get(this.client)?.owner;
      return (owner?.idleClosing ?? Promise.resolve()).then(() => this.client.connect()).then(() => undefined);
    }
    this.connecting ??= this.idleClosing
      .then(() => this.client.connect())
      .then(
        () => undefined,
        (error: unknown) => {
          this.connecting = undefined;
          throw error;
        },
      );
    return this.connecting;
  }

  /** Nothing runs on the client any more: arm the idle close (owner only). */
  idle(): void {
    if (!this.ownsClient || this.closing !== undefined) return;
    if (this.exiting) this.closeIdle();
    else if (Number.isFinite(this.idleCloseMs)) {
      this.idleTimer = setTimeout(() => this.closeIdle(), this.idleCloseMs);
      this.idleTimer.unref();
    }
  }

  /** The process is about to exit: close the client now if idle, else once the operations in flight are done. */
  closeWhenIdle(): void {
    this.exiting = true;
    if (this.usage.outstanding === 0) this.closeIdle();
  }

  /** Closes a connected, idle client; the next operation reconnects it. */
  private closeIdle(): void {
    this.idleTimer = undefined;
    const usage = this.usage;
    if (usage.outstanding > 0 || !usage.opened || this.closing !== undefined) return;
    usage.opened = false;
    this.exiting = false;
    this.connecting = undefined;
    this.idleClosing = this.client.close().catch(() => undefined);
  }

  /**
   * Closes the client if it was created here (a client passed in stays
   * open), waiting at most `timeoutMs`, then forcing it. Operations still
   * running are abandoned. Idempotent.
   */
  close(timeoutMs: number = DEFAULT_MONGO_CLOSE_TIMEOUT_MS): Promise<void> {
    this.closing ??= (async () => {
      live.delete(this);
      if (live.size === 0 && listening) {
        process.off('beforeExit', onBeforeExit);
        listening = false;
      }
      if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      if (!this.ownsClient) return;
      let timer: NodeJS.Timeout | undefined;
      const closed = this.client.close();
      closed.catch(() => undefined);
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), Math.max(0, timeoutMs));
      });
      try {
        if ((await Promise.race([closed, expired])) === 'expired') void this.client.close(true).catch(() => undefined);
      } catch {
        // a client that fails to close cleanly is closed as far as we are concerned
      } finally {
        clearTimeout(timer);
      }
    })();
    return this.closing;
  }
}
