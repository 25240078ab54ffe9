// What the integration tests know about the real servers: scripts/run-tests.ts
// starts them (or takes the user's own) and passes their addresses as env vars.
//
//   REDIS_URL            redis://127.0.0.1:<port>        standalone redis-server
//   REDIS_CLUSTER_NODES  127.0.0.1:p1,127.0.0.1:p2,…     Redis Cluster (3 masters)
//   MONGODB_URL          mongodb://127.0.0.1:<port>/     FerretDB (or your MongoDB)
//   REQUIRE_SERVERS=1    a missing server fails the test file instead of skipping it
//
// Usage:
//   describe('counters on redis', { skip: skipUnless('redis') }, () => { … redisUrl! … });
import { randomBytes } from 'node:crypto';
import { CACHE_BIN_DIR, findBinary } from './servers.js';

function read(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** True when CI (or you) asked for every integration suite to run: missing servers fail. */
export const requireServers = process.env['REQUIRE_SERVERS'] === '1';

/** Standalone Redis, e.g. `redis://127.0.0.1:6399`. */
export const redisUrl: string | undefined = read('REDIS_URL');

/** Redis Cluster seed nodes as ioredis wants them (`new Redis.Cluster(redisClusterNodes)`). */
export const redisClusterNodes: { host: string; port: number }[] | undefined = read('REDIS_CLUSTER_NODES')
  ?.split(',')
  .map((entry) => entry.trim())
  .filter((entry) => entry !== '')
  .map((entry) => {
    const at = entry.lastIndexOf(':');
    return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
  });

/** MongoDB-wire server (FerretDB in this repo's test setup), e.g. `mongodb://127.0.0.1:27999/`. */
export const mongodbUrl: string | undefined = read('MONGODB_URL');

/** A server kind an integration suite needs. */
export type ServerKind = 'redis' | 'cluster' | 'mongodb';

const ENV_VAR: Record<ServerKind, string> = { redis: 'REDIS_URL', cluster: 'REDIS_CLUSTER_NODES', mongodb: 'MONGODB_URL' };

/** Whether the server of that kind was given to this test process. */
export function hasServer(kind: ServerKind): boolean {
  return kind === 'redis' ? redisUrl !== undefined : kind === 'cluster' ? redisClusterNodes !== undefined : mongodbUrl !== undefined;
}

/**
 * For `describe(name, { skip: skipUnless('redis') }, …)`: `false` when the
 * server is there, else the skip reason. Under REQUIRE_SERVERS=1 a missing
 * server throws instead, which fails the test file.
 */
export function skipUnless(kind: ServerKind): string | false {
  if (hasServer(kind)) return false;
  const reason =
    `SKIPPED: no ${kind} server (${ENV_VAR[kind]} is not set). ` +
    'Run through `npm test` / `npx tsx scripts/run-tests.ts integration` after `npm run servers:install`.';
  if (requireServers) throw new Error(`REQUIRE_SERVERS=1 but ${ENV_VAR[kind]} is not set: ${reason}`);
  return reason;
}

/**
 * For suites that start a server of their own (e.g. to stop and restart it):
 * `false` when the binary is installed, else the skip reason; throws under
 * REQUIRE_SERVERS=1.
 */
export function skipUnlessBinary(name: 'redis-server' | 'ferretdb'): string | false {
  if (findBinary(name) !== undefined) return false;
  const reason = `SKIPPED: ${name} is not installed (not on PATH nor in ${CACHE_BIN_DIR}); run \`npm run servers:install\`.`;
  if (requireServers) throw new Error(`REQUIRE_SERVERS=1 but ${reason}`);
  return reason;
}

let counter = 0;

/** A name no other test process or test in this process uses: `<tag>_<pid>_<n>_<random>`. */
export function uniquePrefix(tag = 'et'): string {
  counter += 1;
  return `${tag}_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
}

/** A database name safe for MongoDB and FerretDB (letters, digits, `_`; ≤ 38 chars). */
export function uniqueDbName(tag = 'test'): string {
  return uniquePrefix(tag.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 12));
}
