// The fault injector of the scenario suite (in the manner of ioredis's
// test/scenario): every scenario starts servers of its OWN on loopback ports
// (a redis-server with AOF `appendfsync always`, a Redis Cluster, FerretDB) and
// breaks them at chosen points:
//
//   crash()   SIGKILL, wait for the process to be gone (data: what reached disk)
//   restart() start again on the same port and data dir
//   hang()    SIGSTOP: the socket stays open and accepts bytes, nothing answers
//   resume()  SIGCONT: the server reads and runs everything queued meanwhile
//
// plus helpers to bound each step in time, run a child-process fixture and
// print the figures the lead quotes (`[figures] <scenario> key=value …`).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startFerretDB, startRedis, startRedisCluster, type FerretDBServer, type RedisCluster, type RedisServer, type ServerHandle } from '../support/servers.js';

/** redis-server flags: every write is on disk before it is answered, so a SIGKILL loses nothing acknowledged. */
export const AOF_ALWAYS: readonly string[] = ['--appendonly', 'yes', '--appendfsync', 'always'];

/** What a scenario can do to one server process. */
export interface Faults {
  /** SIGKILL and wait until the process is gone. */
  crash(): Promise<void>;
  /** Start again on the same port and data (after `crash`). */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing is answered. */
  hang(): void;
  /** SIGCONT after `hang`. */
  resume(): void;
}

function faultsOf(server: ServerHandle): Faults {
  let hung = false;
  return {
    crash: async () => {
      hung = false;
      await server.halt('SIGKILL');
    },
    restart: () => server.start(),
    hang: () => {
      server.signal('SIGSTOP');
      hung = true;
    },
    resume: () => {
      if (!hung) return;
      hung = false;
      server.signal('SIGCONT');
    },
  };
}

export type FaultyRedis = RedisServer & Faults;
export type FaultyFerretDB = FerretDBServer & Faults;
export type FaultyCluster = RedisCluster & { node(i: number): Faults };

/** A redis-server of the scenario's own, AOF `appendfsync always`. */
export async function faultyRedis(): Promise<FaultyRedis> {
  const server = await startRedis({ args: AOF_ALWAYS });
  return Object.assign(server, faultsOf(server));
}

/** A 3-master Redis Cluster of the scenario's own, every node AOF `appendfsync always`. */
export async function faultyCluster(): Promise<FaultyCluster> {
  const cluster = await startRedisCluster({ masters: 3, args: AOF_ALWAYS });
  const faults = cluster.servers.map(faultsOf);
  return Object.assign(cluster, { node: (i: number) => faults[i]! });
}

/** FerretDB of the scenario's own; `port` to start it where a client already points. */
export async function faultyFerretDB(options: { port?: number } = {}): Promise<FaultyFerretDB> {
  const server = await startFerretDB(options.port === undefined ? {} : { port: options.port });
  return Object.assign(server, faultsOf(server));
}

/** A loopback port nothing listens on yet (for "server down at start" scenarios). */
export { freePort };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes; resolves whether it held. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

/** Settles with `promise`'s outcome, or `{ timedOut: true }` after `ms`; also how long it took. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ timedOut: boolean; value?: T; error?: unknown; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    const outcome = await Promise.race([promise.then((value) => ({ value })), timeout]);
    const took = Math.round(performance.now() - started);
    return outcome === 'timeout' ? { timedOut: true, ms: took } : { timedOut: false, value: outcome.value, ms: took };
  } catch (error) {
    return { timedOut: false, error, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/** Peak resident set size of this process so far, MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Prints one line of measured figures, for the lead to quote: `[figures] scenario key=value …`. */
export function figures(scenario: string, values: Record<string, string | number | boolean>): void {
  const parts = Object.entries(values).map(([k, v]) => `${k}=${String(v)}`);
  process.stdout.write(`[figures] ${scenario} ${parts.join(' ')}\n`);
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** What a child-process fixture did. */
export interface ChildRun {
  /** Exit code, or `null` when it was killed (see `killedAfterMs`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Lines the child printed on stdout. */
  lines: string[];
  stderr: string;
  /** Set when the child did not exit within the bound and was SIGKILLed. */
  killedAfterMs: number | undefined;
  /** ms from the `mark` line the child printed (e.g. `EMITTED`) to its exit. */
  exitAfterMarkMs: number | undefined;
  /** The child's own peak RSS, MiB (from its `RSS <kB>` line at exit), if it printed one. */
  peakRssMiB: number | undefined;
}

/**
 * Runs `test/scenario/fixtures/<fixture>` with tsx, passing `config` as JSON in
 * argv. `onLine` sees each stdout line (e.g. to send SIGTERM once the child
 * says READY). A child still alive `boundMs` after its `mark` line (or after
 * `boundMs * 4` from spawn without one) is SIGKILLed and reported.
 */
export function runFixture(
  fixture: string,
  config: Record<string, unknown>,
  options: { mark?: string; boundMs: number; onLine?: (line: string, child: ReturnType<typeof spawn>) => void },
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, fixture), JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const lines: string[] = [];
    let stderr = '';
    let buffered = '';
    let markAt: number | undefined;
    let killedAfterMs: number | undefined;
    const kill = () => {
      killedAfterMs = Math.round(performance.now() - started);
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, options.boundMs * 4);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (options.mark !== undefined && markAt === undefined && line.startsWith(options.mark)) {
          markAt = performance.now();
          clearTimeout(timer);
          timer = setTimeout(kill, options.boundMs);
        }
        options.onLine?.(line, child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const exitedAt = performance.now();
      const rss = lines.find((l) => l.startsWith('RSS '));
      resolve({
        code,
        signal,
        lines,
        stderr,
        killedAfterMs,
        exitAfterMarkMs: markAt === undefined ? undefined : Math.round(exitedAt - markAt),
        peakRssMiB: rss === undefined ? undefined : Math.round(Number(rss.slice(4)) / 1024),
      });
    });
  });
}
