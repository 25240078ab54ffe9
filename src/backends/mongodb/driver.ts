import { loadPeer, type PeerRequire } from '../../drivers/loadPeer.js';

/**
 * What eventtrack needs from a `MongoClient` passed as `client`: a
 * structural type, so a client of mongodb 6 or 7 fits whatever copy of the
 * driver eventtrack itself sees.
 */
export interface MongoClientLike {
  db(dbName?: string): unknown;
  close(): Promise<void>;
}

/** A MongoDB document, as eventtrack reads and filters them (the driver's `Document`). */
export interface MongoDocument {
  [key: string]: unknown;
}

/** The cursor calls the event store makes. */
export interface MongoCursor<T> extends AsyncIterable<T> {
  sort(sort: MongoDocument): MongoCursor<T>;
  batchSize(size: number): MongoCursor<T>;
  limit(limit: number): MongoCursor<T>;
  project(projection: MongoDocument): MongoCursor<T>;
  toArray(): Promise<T[]>;
  close(): Promise<void>;
}

/** The collection calls eventtrack makes (mongodb 6 and 7 alike); internal. */
export interface MongoCollection<T> {
  insertMany(docs: readonly T[], options: { ordered: boolean }): Promise<unknown>;
  find(filter: MongoDocument): MongoCursor<T>;
  countDocuments(filter: MongoDocument): Promise<number>;
  aggregate(pipeline: readonly MongoDocument[]): { toArray(): Promise<MongoDocument[]> };
  createIndex(key: MongoDocument, options: MongoDocument): Promise<string>;
}

/** The client calls eventtrack makes; internal. */
export interface MongoDriverClient {
  db(dbName: string): { collection(name: string, options?: object): unknown };
  connect(): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}

/** The part of the mongodb module eventtrack uses. */
export interface MongodbModule {
  MongoClient: new (url: string, options?: object) => MongoDriverClient;
  BSON: { calculateObjectSize(doc: object): number };
}

/** Supported majors, as named by the error when mongodb is missing. */
export const MONGODB_RANGE = 'mongodb 6 or 7';

/** The collection `name` of database `db` of `client`, typed as eventtrack uses it. */
export function collectionOf<T>(client: MongoClientLike, db: string, name: string, options?: object): MongoCollection<T> {
  return (client as unknown as MongoDriverClient).db(db).collection(name, options) as MongoCollection<T>;
}

/**
 * Loads mongodb (when a backend or store creates its own client, or needs
 * BSON sizes).
 * @throws ConfigurationError naming `mongodb` when it is not installed.
 */
export function loadMongodb(option: string, load?: PeerRequire): MongodbModule {
  return loadPeer<MongodbModule>('mongodb', option, MONGODB_RANGE, load);
}
