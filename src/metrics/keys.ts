import { ConfigurationError } from '../errors.js';
import { granularityRank, type Granularity } from '../time/granularity.js';

/** One-letter key codes per granularity rank (second … year). */
export const GRANULARITY_CODES: readonly string[] = ['s', 'i', 'h', 'd', 'w', 'm', 'y'];

/** Tag of the registry keys (slug, category and gauge sets). */
const REGISTRY_TAG = '#';

/**
 * The key layout. Every key is `<prefix>{<tag>}:<kind>:…` where the hash tag
 * is the slug (metric, unique and gauge keys) or the entity (entity metrics
 * and counts), so everything one read or one script touches lives in one
 * Redis Cluster slot. Kinds: `m` counters, `u` unique counts (one
 * HyperLogLog per bucket), `g` gauge, `e` entity metrics, `c` entity counts,
 * `t` timings (one hash per bucket), `r` registries, `x` applied-batch markers (written by the Redis store).
 *
 * ```
 * et:{signup}:m:d:2026-03      hash  day-of-month → count
 * et:{signup}:u:d:2026-03:29   HLL   members seen that day
 * et:{api}:t:h:2026-03-29:14  hash  DDSketch bin → count; n, s, lo, hi, z
 * et:{user:1}:e:comment:w:2026 hash  week → count
 * et:{user:1}:c                hash  metric → trackCount total
 * et:{#}:r:cat:users           set   slugs of category "users"
 * ```
 */
export class KeyLayout {
  constructor(readonly prefix: string) {}

  /** Start of every counter key of a slug (granularity code and container follow). */
  metricBase(slug: string): string {
    return `${this.prefix}{${slug}}:m:`;
  }

  metricKey(slug: string, granularity: Granularity, container: string): string {
    return `${this.metricBase(slug)}${GRANULARITY_CODES[granularityRank(granularity)]}:${container}`;
  }

  /** Start of every unique-count key of a slug. */
  uniqueBase(slug: string): string {
    return `${this.prefix}{${slug}}:u:`;
  }

  uniqueKey(slug: string, granularity: Granularity, container: string, field: string): string {
    return `${this.uniqueBase(slug)}${GRANULARITY_CODES[granularityRank(granularity)]}:${container}:${field}`;
  }

  /** Start of every timing key of a slug (one hash per bucket: DDSketch bins and `n`, `s`, `lo`, `hi`, `z`). */
  timingBase(slug: string): string {
    return `${this.prefix}{${slug}}:t:`;
  }

  timingKey(slug: string, granularity: Granularity, container: string, field: string): string {
    return `${this.timingBase(slug)}${GRANULARITY_CODES[granularityRank(granularity)]}:${container}:${field}`;
  }

  /** Registry of the slugs with timings. */
  get timingsKey(): string {
    return `${this.prefix}{${REGISTRY_TAG}}:r:timings`;
  }

  gaugeKey(slug: string): string {
    return `${this.prefix}{${slug}}:g`;
  }

  /** Start of the keys of one entity metric. */
  entityBase(entity: string, metric: string): string {
    return `${this.prefix}{${entity}}:e:${metric}:`;
  }

  entityKey(entity: string, metric: string, granularity: Granularity, container: string): string {
    return `${this.entityBase(entity, metric)}${GRANULARITY_CODES[granularityRank(granularity)]}:${container}`;
  }

  /** Hash of an entity's `trackCount` totals (field = metric). */
  countKey(entity: string): string {
    return `${this.prefix}{${entity}}:c`;
  }

  get slugsKey(): string {
    return `${this.prefix}{${REGISTRY_TAG}}:r:slugs`;
  }

  get categoriesKey(): string {
    return `${this.prefix}{${REGISTRY_TAG}}:r:cats`;
  }

  categoryKey(category: string): string {
    return `${this.prefix}{${REGISTRY_TAG}}:r:cat:${category}`;
  }

  get gaugesKey(): string {
    return `${this.prefix}{${REGISTRY_TAG}}:r:gauges`;
  }
}

/** The part of a key up to and including its hash tag and the following colon (`et:{slug}:`). */
export function tagPrefix(key: string): string {
  const close = key.indexOf('}', key.indexOf('{') + 1);
  return close === -1 ? `${key}:` : key.slice(0, close + 2);
}

/**
 * The start shared by every key under a store prefix: the prefix and the opening brace of the hash tag. Prefixes
 * cannot contain braces, so `app{` never matches a key of prefix `app2` (`app2{…`): `clear()` deletes by this.
 */
export function keyspaceOf(prefix: string): string {
  return `${prefix}{`;
}

/** Default key prefix of the stores. */
export const DEFAULT_KEY_PREFIX = 'et:';

/**
 * Checks a store's key prefix: 1–64 characters, no whitespace, control
 * characters, braces (they would change the Cluster hash tag) or glob
 * characters (they would widen `clear()`'s SCAN pattern).
 * @throws ConfigurationError naming `option`.
 */
export function checkPrefix(option: string, value: unknown): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || /[\s\u0000-\u001f\u007f{}*?[\]\\]/.test(value)) {
    throw new ConfigurationError(option, `expected 1–64 characters without whitespace or any of { } * ? [ ] \\ (e.g. "et:" or "myapp:metrics:"), got ${JSON.stringify(value)}`);
  }
  return value;
}
