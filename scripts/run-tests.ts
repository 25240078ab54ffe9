// The test command: runs test/unit, then test/integration against real servers,
// then test/scenario (fault injection: each scenario starts, kills and hangs
// servers of its own, so only their binaries must be installed).
// Usage: tsx scripts/run-tests.ts [unit|integration|scenario|all] [file filter]
//
// For the integration files selected, each server kind they need (found by
// scanning them for `skipUnless('redis' | 'cluster' | 'mongodb')` or the env
// var names) is taken from the environment when set (REDIS_URL,
// REDIS_CLUSTER_NODES, MONGODB_URL), else started here on a free loopback port
// when its binary is installed, else reported loudly as skipped;
// REQUIRE_SERVERS=1 turns that skip into a failure. Servers are stopped on
// exit, failure, SIGINT and SIGTERM; the test run's exit code is propagated.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, startFerretDB, startRedis, startRedisCluster } from '../test/support/servers.js';

type Kind = 'redis' | 'cluster' | 'mongodb';

interface KindInfo {
  envVar: string;
  binary: string;
  /** What in a test file's source says it needs this kind. */
  pattern: RegExp;
  start: () => Promise<{ value: string; stop: () => Promise<void> }>;
}

const KINDS: Record<Kind, KindInfo> = {
  redis: {
    envVar: 'REDIS_URL',
    binary: 'redis-server',
    pattern: /skipUnless\(\s*['"]redis['"]|\bredisUrl\b|\bREDIS_URL\b/,
    start: async () => {
      const server = await startRedis();
      return { value: server.url, stop: () => server.stop() };
    },
  },
  cluster: {
    envVar: 'REDIS_CLUSTER_NODES',
    binary: 'redis-server',
    pattern: /skipUnless\(\s*['"]cluster['"]|\bredisClusterNodes\b|\bREDIS_CLUSTER_NODES\b/,
    start: async () => {
      const cluster = await startRedisCluster({ masters: 3 });
      return { value: cluster.nodesEnv, stop: () => cluster.stop() };
    },
  },
  mongodb: {
    envVar: 'MONGODB_URL',
    binary: 'ferretdb',
    pattern: /skipUnless\(\s*['"]mongodb['"]|\bmongodbUrl\b|\bMONGODB_URL\b/,
    start: async () => {
      const server = await startFerretDB();
      return { value: server.url, stop: () => server.stop() };
    },
  },
};

function listTests(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out = out.concat(listTests(path));
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function banner(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  return `\n${bar}\n${lines.map((l) => `! ${l.padEnd(width - 4)} !`).join('\n')}\n${bar}\n\n`;
}

const which = process.argv[2] ?? 'all';
const filter = process.argv[3];
if (!['unit', 'integration', 'scenario', 'all'].includes(which)) {
  process.stderr.write(`usage: tsx scripts/run-tests.ts [unit|integration|scenario|all] [file filter]\n`);
  process.exit(2);
}
const suites = which === 'all' ? ['unit', 'integration', 'scenario'] : [which];
let files: string[] = [];
for (const suite of suites) files = files.concat(listTests(join('test', suite)));
if (filter !== undefined) files = files.filter((f) => f.includes(filter));

const requireServers = process.env['REQUIRE_SERVERS'] === '1';
const integrationFiles = files.filter((f) => f.startsWith(join('test', 'integration')));
const needed = new Map<Kind, string[]>();
for (const file of integrationFiles) {
  const source = readFileSync(file, 'utf8');
  for (const kind of Object.keys(KINDS) as Kind[]) {
    if (KINDS[kind].pattern.test(source)) needed.set(kind, [...(needed.get(kind) ?? []), file]);
  }
}

// Scenario files start their own servers (test/scenario/faults.ts): they need the binaries only.
const SCENARIO_BINARIES: { binary: string; pattern: RegExp }[] = [
  { binary: 'redis-server', pattern: /\bfaultyRedis\b|\bfaultyCluster\b|skipUnlessBinary\(\s*['"]redis-server['"]/ },
  { binary: 'ferretdb', pattern: /\bfaultyFerretDB\b|skipUnlessBinary\(\s*['"]ferretdb['"]/ },
];
const missingBinaries = new Map<string, string[]>();
for (const file of files.filter((f) => f.startsWith(join('test', 'scenario')))) {
  const source = readFileSync(file, 'utf8');
  for (const { binary, pattern } of SCENARIO_BINARIES) {
    if (pattern.test(source) && findBinary(binary) === undefined) missingBinaries.set(binary, [...(missingBinaries.get(binary) ?? []), file]);
  }
}

const stops: (() => Promise<void>)[] = [];
let stopping: Promise<void> | undefined;
function stopServers(): Promise<void> {
  stopping ??= Promise.allSettled(stops.map((stop) => stop())).then(() => undefined);
  return stopping;
}

const env: NodeJS.ProcessEnv = { ...process.env };
const missing: string[] = [];
let exitCode = 1;
let child: ReturnType<typeof spawn> | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    child?.kill(signal);
    void stopServers().finally(() => process.exit(130));
  });
}

try {
  for (const [kind, users] of needed) {
    const info = KINDS[kind];
    if ((process.env[info.envVar] ?? '').trim() !== '') {
      process.stdout.write(`[run-tests] ${kind}: using ${info.envVar}=${process.env[info.envVar]}\n`);
      continue;
    }
    if (findBinary(info.binary) === undefined) {
      missing.push(`${kind} (${info.binary} not found): ${users.join(', ')}`);
      continue;
    }
    const t0 = Date.now();
    const started = await info.start();
    stops.push(started.stop);
    env[info.envVar] = started.value;
    process.stdout.write(`[run-tests] ${kind}: started ${info.envVar}=${started.value} in ${Date.now() - t0} ms\n`);
  }

  for (const [binary, users] of missingBinaries) missing.push(`${binary} (not installed): ${users.join(', ')}`);

  let skipBanner = '';
  if (missing.length > 0) {
    skipBanner = banner([
      requireServers ? 'REQUIRE_SERVERS=1: MISSING SERVERS, FAILING' : 'INTEGRATION/SCENARIO SUITES SKIPPED: SERVERS NOT INSTALLED',
      ...missing,
      'Install them with: npm run servers:install   (bash .ci/install-servers)',
      'or point REDIS_URL / REDIS_CLUSTER_NODES / MONGODB_URL at your own servers.',
    ]);
    process.stderr.write(skipBanner);
    if (requireServers) throw new Error('missing servers');
  }

  exitCode = await new Promise<number>((resolve) => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './test/support/leak-check.ts', '--test', '--test-reporter=spec', ...files],
      { stdio: 'inherit', env },
    );
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    child.once('error', () => resolve(1));
  });
  // Repeat the banner after the test output, where it is seen.
  if (skipBanner !== '') process.stderr.write(skipBanner);
} catch (error) {
  if (!(error instanceof Error && error.message === 'missing servers')) {
    process.stderr.write(`[run-tests] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  exitCode = 1;
} finally {
  await stopServers();
}
process.exit(exitCode);
