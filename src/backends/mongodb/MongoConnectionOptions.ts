import { MongoClient, type MongoClientOptions } from 'mongodb';
import { ConfigurationError } from '../../errors.js';

/** Where the events live; shared by {@link MongoBackend} and {@link MongoEventStore}. */
export interface MongoConnectionOptions {
  /**
   * Connection string, e.g. `mongodb://127.0.0.1:27017/`. The backend then
   * creates its own `MongoClient` (connected lazily, on first use) and closes
   * it on `close()`. Give either `url` or `client`.
   */
  url?: string;
  /** Driver options for the client created from `url`. Default: the driver's defaults. */
  clientOptions?: MongoClientOptions;
  /** An existing client, shared with the application: used as is and left open by `close()`. */
  client?: MongoClient;
  /** Database name. Default `'eventtrack'` ({@link DEFAULT_MONGO_DB}), whatever database the URL names. */
  db?: string;
  /** Collection name. Default `'events'` ({@link DEFAULT_MONGO_COLLECTION}). */
  collection?: string;
}

/** Default database name. */
export const DEFAULT_MONGO_DB = 'eventtrack';
/** Default collection name. */
export const DEFAULT_MONGO_COLLECTION = 'events';

/** A client plus whether we created it (and so must close it). */
export interface ResolvedConnection {
  client: MongoClient;
  ownsClient: boolean;
  db: string;
  collection: string;
}

function name(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '' || /[\0$]/.test(value) || (option === 'db' && /[/\\. "]/.test(value))) {
    throw new ConfigurationError(option, `expected a valid MongoDB ${option === 'db' ? 'database' : 'collection'} name, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Validates the connection options and creates the client when given a URL (no I/O: the driver connects on first use). */
export function resolveConnection(options: MongoConnectionOptions): ResolvedConnection {
  const { url, client } = options;
  if ((url === undefined) === (client === undefined)) {
    throw new ConfigurationError('url', 'give exactly one of `url` (a mongodb:// connection string) or `client` (a MongoClient)');
  }
  const db = name('db', options.db, DEFAULT_MONGO_DB);
  const collection = name('collection', options.collection, DEFAULT_MONGO_COLLECTION);
  if (client !== undefined) {
    if (typeof (client as { db?: unknown }).db !== 'function') throw new ConfigurationError('client', 'expected a MongoClient from the `mongodb` package');
    return { client, ownsClient: false, db, collection };
  }
  if (typeof url !== 'string' || !/^mongodb(\+srv)?:\/\//.test(url)) {
    throw new ConfigurationError('url', `expected a mongodb:// or mongodb+srv:// connection string, got ${JSON.stringify(url)}`);
  }
  try {
    return { client: new MongoClient(url, options.clientOptions), ownsClient: true, db, collection };
  } catch (error) {
    throw new ConfigurationError('url', (error as Error).message, { cause: error });
  }
}
