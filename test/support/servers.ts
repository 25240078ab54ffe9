// Starts real servers for the integration tests: a standalone redis-server, a
// Redis Cluster of cluster-enabled redis-servers, and FerretDB (MongoDB wire
// protocol, SQLite handler). Every server binds 127.0.0.1 only, lives in its
// own temp dir, and is removed by its `stop()`.
//
// Used by scripts/run-tests.ts (once per run) and by tests that need a server
// of their own, e.g. to stop and restart it (`halt()` then `start()`).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;

/** Where `.ci/install-servers` caches binaries it builds (FerretDB). */
export const CACHE_BIN_DIR = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'eventtrack', 'bin');

/** Absolute path of an executable named `name` on PATH or in the install cache, or `undefined`. */
export function findBinary(name: string): string | undefined {
  const dirs = [
    ...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''),
    CACHE_BIN_DIR,
    process.env['GOBIN'] ?? '',
    join(process.env['GOPATH'] || join(homedir(), 'go'), 'bin'),
  ];
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; racy but fine on a test machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A free port `p` whose cluster bus port `p + 10000` is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
    if ((await isPortFree(port)) && (await isPortFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// Last-resort cleanup when a process exits without stopping its servers.
const live = new Set<{ kill(): void }>();
process.once('exit', () => {
  for (const entry of live) entry.kill();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One server process that can be halted and started again on the same port and data dir. */
class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly label: string,
    private readonly binary: string,
    private readonly args: readonly string[],
    private readonly port: number,
    private readonly logFile: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child !== undefined) return;
    const log = openSync(this.logFile, 'a');
    const child = spawn(this.binary, this.args, { stdio: ['ignore', log, log], env: this.env });
    closeSync(log);
    this.child = child;
    let exitCode: number | null | undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        exitCode = code;
        if (this.child === child) this.child = undefined;
        resolve();
      });
      child.once('error', () => {
        exitCode = -1;
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exitCode !== undefined) break;
      if (await canConnect(this.port)) return;
      await sleep(50);
    }
    await this.halt();
    throw new Error(`${this.label} did not start on ${HOST}:${this.port} (exit code ${String(exitCode)}); log:\n${this.tail()}`);
  }

  /** Kills the process (SIGTERM, then SIGKILL after 5 s; or `SIGKILL` at once, a crash) and waits for it to exit. */
  async halt(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill(signal);
    // A process hung with SIGSTOP handles SIGTERM only once resumed.
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /**
   * Sends `signal` to the running process without waiting (`SIGSTOP` hangs it:
   * its sockets stay open and accept bytes but nothing is answered; `SIGCONT`
   * resumes it). Throws when the process is not running.
   */
  signal(signal: NodeJS.Signals): void {
    if (this.child === undefined) throw new Error(`${this.label} is not running`);
    this.child.kill(signal);
  }

  /** Process id of the running server, or `undefined`. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Synchronous SIGKILL, for process exit. */
  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  tail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** A running server. */
export interface ServerHandle {
  readonly host: string;
  readonly port: number;
  /** Temp dir holding the server's data and log. */
  readonly dir: string;
  /**
   * Stops the process but keeps its data dir, so `start()` brings it back on
   * the same port. `'SIGKILL'` simulates a crash; default a clean SIGTERM.
   */
  halt(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the process again after `halt()` (same port, same data). */
  start(): Promise<void>;
  /** Sends a signal to the running process, e.g. `SIGSTOP` (hang) and `SIGCONT` (resume); see the fault injector in test/scenario. */
  signal(signal: NodeJS.Signals): void;
  /** Process id of the running server, or `undefined` while halted. */
  readonly pid: number | undefined;
  /** Kills the process and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface RedisServer extends ServerHandle {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
}

function redisArgs(port: number, dir: string, extra: string[] = []): string[] {
  return ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...extra];
}

function handle<T extends object = object>(proc: ManagedProcess, port: number, dir: string, extra?: T): ServerHandle & T {
  let stopped = false;
  const entry = {
    kill() {
      proc.killNow();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(entry);
  // Built in one literal (not spread later) so that the `pid` getter stays live.
  return {
    ...(extra as T),
    host: HOST,
    port,
    dir,
    halt: (signal: 'SIGTERM' | 'SIGKILL' | undefined) => proc.halt(signal),
    start: () => proc.start(),
    signal: (signal: NodeJS.Signals) => proc.signal(signal),
    get pid() {
      return proc.pid;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(entry);
      await proc.halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function requireBinary(name: string): string {
  const path = findBinary(name);
  if (path === undefined) throw new Error(`${name} not found on PATH or in ${CACHE_BIN_DIR}; run \`npm run servers:install\``);
  return path;
}

/**
 * Starts a standalone redis-server on a free loopback port; `args` adds
 * redis-server flags (e.g. `['--appendonly', 'yes', '--appendfsync', 'always']`).
 */
export async function startRedis(options: { port?: number; args?: readonly string[] } = {}): Promise<RedisServer> {
  const binary = requireBinary('redis-server');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-redis-'));
  const proc = new ManagedProcess('redis-server', binary, redisArgs(port, dir, [...(options.args ?? [])]), port, join(dir, 'server.log'));
  try {
    await proc.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return handle(proc, port, dir, { url: `redis://${HOST}:${port}` });
}

export interface RedisCluster {
  readonly nodes: readonly { host: string; port: number }[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…` as passed in REDIS_CLUSTER_NODES. */
  readonly nodesEnv: string;
  /** One handle per node, in `nodes` order: halt, start, signal a single node. */
  readonly servers: readonly ServerHandle[];
  /** Kills every node and removes their temp dirs. Idempotent. */
  stop(): Promise<void>;
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(requireBinary('redis-cli'), ['-h', HOST, '-p', String(port), ...args], { timeout: 30_000 });
  return stdout;
}

/**
 * Starts `masters` cluster-enabled redis-servers, joins them into a cluster (no
 * replicas) and waits until it is ok; `args` adds redis-server flags to every node.
 */
export async function startRedisCluster(options: { masters?: number; args?: readonly string[] } = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const binary = requireBinary('redis-server');
  const taken = new Set<number>();
  const handles: ServerHandle[] = [];
  const stop = async () => {
    await Promise.all(handles.map((h) => h.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port);
      const dir = mkdtempSync(join(tmpdir(), 'eventtrack-redis-cluster-'));
      const extra = [
        '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, 'nodes.conf'),
        '--cluster-announce-ip', HOST,
        '--cluster-node-timeout', '5000',
        ...(options.args ?? []),
      ];
      const proc = new ManagedProcess(`redis-server (cluster node ${i + 1})`, binary, redisArgs(port, dir, extra), port, join(dir, 'server.log'));
      handles.push(handle(proc, port, dir));
      await proc.start();
    }
    const addresses = handles.map((h) => `${HOST}:${h.port}`);
    await execFileAsync(
      requireBinary('redis-cli'),
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 60_000 },
    );
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (const h of handles) {
      for (;;) {
        const info = await redisCli(h.port, 'cluster', 'info');
        if (info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${masters}`)) break;
        if (Date.now() > deadline) throw new Error(`Redis Cluster node ${h.port} not ok:\n${info}`);
        await sleep(100);
      }
    }
    return { nodes: handles.map((h) => ({ host: HOST, port: h.port })), nodesEnv: addresses.join(','), servers: handles, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface FerretDBServer extends ServerHandle {
  /** `mongodb://127.0.0.1:<port>/` */
  readonly url: string;
}

/**
 * Starts FerretDB (SQLite handler) on a free loopback port, telemetry off and
 * its debug/metrics HTTP listener disabled. Pass `port` and `dir` to reuse a
 * previous server's address and data, `args` for more ferretdb flags.
 */
export async function startFerretDB(options: { port?: number; dir?: string; args?: readonly string[] } = {}): Promise<FerretDBServer> {
  const binary = requireBinary('ferretdb');
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'eventtrack-ferretdb-'));
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--listen-addr=${HOST}:${port}`,
    '--debug-addr=-',
    `--state-dir=${dir}`,
    '--telemetry=disable',
    '--log-level=warn',
    ...(options.args ?? []),
  ];
  const env = { ...process.env, FERRETDB_TELEMETRY: 'disable', DO_NOT_TRACK: '1' };
  const proc = new ManagedProcess('ferretdb', binary, args, port, join(dir, 'server.log'), env);
  try {
    await proc.start();
  } catch (error) {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return handle(proc, port, dir, { url: `mongodb://${HOST}:${port}/` });
}
