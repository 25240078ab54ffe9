import { ConfigurationError, type EventTrackError } from '../../errors.js';
import type { MongoClientLike } from './driver.js';
import type { MongoConnectionOptions } from './MongoConnectionOptions.js';
import { checkInteger } from '../../config/checkInteger.js';

/** A write concern (the driver's `WriteConcernSettings`). */
export interface WriteConcernSettings {
  /** Acknowledgement: a number of members or a tag such as `'majority'`. */
  w?: number | string;
  /** Wait for the journal. */
  journal?: boolean;
  /** Give up waiting for `w` after this many ms. */
  wtimeoutMS?: number;
  /** Legacy spellings the driver still accepts. */
  j?: boolean;
  fsync?: boolean | 1;
  wtimeout?: number;
}

/** Options of {@link MongoBackend}: where to write (see {@link MongoConnectionOptions}) and how. */
export interface MongoBackendOptions<C extends MongoClientLike = MongoClientLike> extends MongoConnectionOptions<C> {
  /**
   * Write concern of every insert. Default `{ w: 1 }` (acknowledged by the
   * primary). `w: 0` is refused: unacknowledged writes lose events silently.
   */
  writeConcern?: WriteConcernSettings;
  /** Create the index set on first use (or `init()`). Default `true`. */
  indexes?: boolean;
  /**
   * Context paths to index as `{ context.<path>: 1, timestamp: -1 }`, e.g.
   * `['user_id']` (a leading `context.` is accepted). Default `[]`.
   */
  contextIndexes?: readonly string[];
  /**
   * Keep events this many seconds, by a TTL index on `timestamp`. Default
   * `undefined`: keep forever. Servers without TTL indexes (FerretDB 1.x)
   * report the index as failed and keep everything.
   */
  retentionSeconds?: number;
  /**
   * Told about each index the server refused (delivery goes on without it).
   * Default: none; the same failures are in the report `init()` resolves to.
   */
  onIndexError?: (error: EventTrackError) => void;
}

/** Defaults of {@link MongoBackendOptions} (connection defaults are in {@link MongoConnectionOptions}). */
export const DEFAULT_MONGO_BACKEND_OPTIONS = Object.freeze({
  writeConcern: Object.freeze({ w: 1 }) as Readonly<WriteConcernSettings>,
  indexes: true,
  contextIndexes: Object.freeze([]) as readonly string[],
  retentionSeconds: undefined,
});

/** {@link MongoBackendOptions} after defaults, validated. */
export interface ResolvedMongoBackendOptions {
  writeConcern: WriteConcernSettings;
  indexes: boolean;
  contextIndexes: readonly string[];
  retentionSeconds: number | undefined;
  onIndexError: ((error: EventTrackError) => void) | undefined;
}

const PATH_SEGMENT = /^[^$.\0][^.\0]*$/;

function writeConcern(value: WriteConcernSettings | undefined): WriteConcernSettings {
  if (value === undefined) return { ...DEFAULT_MONGO_BACKEND_OPTIONS.writeConcern };
  if (typeof value !== 'object' || value === null) throw new ConfigurationError('writeConcern', 'expected an object such as { w: 1 } or { w: "majority" }');
  const w = value.w ?? 1;
  if (w === 0) {
    throw new ConfigurationError('writeConcern.w', 'w: 0 (unacknowledged) would lose events without an error; use 1 (default), a larger number or "majority"');
  }
  if (!((typeof w === 'number' && Number.isInteger(w) && w > 0) || (typeof w === 'string' && (w as string) !== ''))) {
    throw new ConfigurationError('writeConcern.w', `expected a positive integer or a tag such as "majority", got ${JSON.stringify(w)}`);
  }
  return { ...value, w };
}

/** Applies defaults and validates, throwing a `ConfigurationError` that names the bad option. */
export function resolveMongoBackendOptions(options: MongoBackendOptions): ResolvedMongoBackendOptions {
  const contextIndexes = (options.contextIndexes ?? DEFAULT_MONGO_BACKEND_OPTIONS.contextIndexes).map((raw, i) => {
    const path = typeof raw === 'string' ? raw.replace(/^context\./, '') : '';
    if (path === '' || !path.split('.').every((segment) => PATH_SEGMENT.test(segment))) {
      throw new ConfigurationError(`contextIndexes[${i}]`, `expected a dotted path inside the context such as "user_id", got ${JSON.stringify(raw)}`);
    }
    return path;
  });
  const { retentionSeconds } = options;
  if (retentionSeconds !== undefined) checkInteger('retentionSeconds', retentionSeconds, { min: 1 });
  if (options.indexes !== undefined && typeof options.indexes !== 'boolean') throw new ConfigurationError('indexes', 'expected true or false');
  if (options.onIndexError !== undefined && typeof options.onIndexError !== 'function') {
    throw new ConfigurationError('onIndexError', 'expected a function (error) => void');
  }
  return {
    writeConcern: writeConcern(options.writeConcern),
    indexes: options.indexes ?? DEFAULT_MONGO_BACKEND_OPTIONS.indexes,
    contextIndexes,
    retentionSeconds,
    onIndexError: options.onIndexError,
  };
}
