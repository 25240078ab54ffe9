import { ConfigurationError } from '../../errors.js';
import { loadMongodb, type MongoClientLike, type MongoDriverClient } from './driver.js';

/** Where the events live; shared by {@link MongoBackend} and {@link MongoEventStore}. */
export interface MongoConnectionOptions<C extends MongoClientLike = MongoClientLike> {
  /**
   * Connection string, e.g. `mongodb://127.0.0.1:27017/`. The backend then
   * creates its own `MongoClient` (the `mongodb` package, 6 or 7, an optional
   * peer dependency loaded then), connects it on first use (again after a
   * failed connect), closes it while idle (see `idleCloseMs`) and on
   * `close()`. Give either `url` or `client`.
   */
  url?: string;
  /** Driver options (`MongoClientOptions`) for the client created from `url`. Default: the driver's defaults. */
  clientOptions?: object;
  /**
   * An existing `MongoClient` (mongodb 6 or 7), shared with the application:
   * used as is (never connected, reconnected or closed by eventtrack).
   */
  client?: C;
  /**
   * A client created from `url` is closed after this many ms without an
   * operation, and reopened by the next one, so it never keeps a finished
   * process alive; it is closed at once when the process is about to exit
   * (`beforeExit`, after the tracker's exit flush). Default 3000
   * ({@link DEFAULT_MONGO_IDLE_CLOSE_MS}); `Infinity` keeps it open until
   * `close()`. Ignored with `client`.
   */
  idleCloseMs?: number;
  /** Database name. Default `'eventtrack'` ({@link DEFAULT_MONGO_DB}), whatever database the URL names. */
  db?: string;
  /** Collection name. Default `'events'` ({@link DEFAULT_MONGO_COLLECTION}). */
  collection?: string;
}

/** Default database name. */
export const DEFAULT_MONGO_DB = 'eventtrack';
/** Default collection name. */
export const DEFAULT_MONGO_COLLECTION = 'events';

/** Default of {@link MongoConnectionOptions.idleCloseMs}. */
export const DEFAULT_MONGO_IDLE_CLOSE_MS = 3000;

/** A client plus whether we created it (and so must connect and close it). */
export interface ResolvedConnection {
  client: MongoDriverClient;
  ownsClient: boolean;
  db: string;
  collection: string;
  idleCloseMs: number;
}

function name(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '' || /[\0$]/.test(value) || (option === 'db' && /[/\\. "]/.test(value))) {
    throw new ConfigurationError(option, `expected a valid MongoDB ${option === 'db' ? 'database' : 'collection'} name, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates the connection options and creates the client when given a URL
 * (loading the driver; no I/O: {@link MongoConnection} connects on first use).
 * @throws ConfigurationError naming the bad option, or `url` when mongodb is not installed.
 */
export function resolveConnection(options: MongoConnectionOptions): ResolvedConnection {
  const { url, client } = options;
  if ((url === undefined) === (client === undefined)) {
    throw new ConfigurationError('url', 'give exactly one of `url` (a mongodb:// connection string) or `client` (a MongoClient)');
  }
  const db = name('db', options.db, DEFAULT_MONGO_DB);
  const collection = name('collection', options.collection, DEFAULT_MONGO_COLLECTION);
  const idleCloseMs = options.idleCloseMs ?? DEFAULT_MONGO_IDLE_CLOSE_MS;
  if (typeof idleCloseMs !== 'number' || !(idleCloseMs >= 0)) throw new ConfigurationError('idleCloseMs', `expected a number of ms ≥ 0 or Infinity, got ${String(idleCloseMs)}`);
  if (client !== undefined) {
    if (typeof (client as { db?: unknown }).db !== 'function') throw new ConfigurationError('client', 'expected a MongoClient from the `mongodb` package');
    return { client: client as unknown as MongoDriverClient, ownsClient: false, db, collection, idleCloseMs };
  }
  if (typeof url !== 'string' || !/^mongodb(\+srv)?:\/\//.test(url)) {
    throw new ConfigurationError('url', `expected a mongodb:// or mongodb+srv:// connection string, got ${JSON.stringify(url)}`);
  }
  const { MongoClient } = loadMongodb('url');
  try {
    return { client: new MongoClient(url, options.clientOptions), ownsClient: true, db, collection, idleCloseMs };
  } catch (error) {
    throw new ConfigurationError('url', (error as Error).message, { cause: error });
  }
}
