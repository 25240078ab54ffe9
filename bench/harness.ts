// Shared by every benchmark: each measurement runs in a fresh child process,
// subject and peer alternate, and the medians of several runs are compared.
//
// A bench file calls `runBench({...})` at top level. Run as `tsx bench/<name>.ts`
// it is the parent; the children it spawns get `--case <name>` and print one
// JSON line `{ "ops": <operations>, "ms": <elapsed> }`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type * as Sdk from '../src/index.js';

/** One measured case: does its work and says how many operations took how long. */
export type BenchCase = () => Promise<{ ops: number; ms: number; note?: string }>;

export interface BenchOptions {
  /** Shown as the heading. */
  title: string;
  /** The file calling runBench (pass `import.meta.url`). */
  file: string;
  /** Name of the eventtrack case (must be a key of `cases`). */
  subject: string;
  /** Names of the peer cases the subject is compared with. */
  peers: string[];
  cases: Record<string, BenchCase>;
  /** What the ratio subject/peer should reach, per peer name. */
  goals?: Record<string, number>;
  /**
   * `'rate'` (default): cases report many operations, shown as rates, the
   * ratio is subject rate / peer rate and a goal is a minimum. `'time'`: each
   * case times one operation (e.g. an import), shown in ms, the ratio is
   * subject time / peer time and a goal is a maximum.
   */
  measure?: 'rate' | 'time';
  /** Runs per case; default `BENCH_RUNS` or 5. */
  runs?: number;
  /**
   * Build the package (`dist/`) once in the parent before the runs, for a
   * bench whose cases import the compiled code rather than the TypeScript
   * sources (see `importCompiled`).
   */
  build?: boolean;
  /** Set up shared state once in the parent (e.g. start a server); its result is passed to children as env. */
  setup?: () => Promise<{ env: Record<string, string>; teardown: () => Promise<void> }>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function format(rate: number): string {
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M/s` : `${(rate / 1e3).toFixed(1)} k/s`;
}

/**
 * The compiled package (`dist/index.js`), typed as the sources: what an
 * application runs. tsx (which runs the sources) wraps every function it
 * creates in a naming helper, a cost that only code creating closures per
 * operation (a request middleware) notices. Use with `build: true`.
 */
export async function importCompiled(): Promise<typeof Sdk> {
  return (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof Sdk;
}

/**
 * A `setup` for a bench that needs a server: the one `variable` (e.g.
 * `REDIS_URL`) points at when set, else one started on loopback by `start`
 * for the run and stopped after it.
 */
export function serverSetup(variable: string, start: () => Promise<{ url: string; stop(): Promise<void> }>): NonNullable<BenchOptions['setup']> {
  return async () => {
    if (process.env[variable] !== undefined) return { env: {}, teardown: async () => {} };
    const server = await start();
    return { env: { [variable]: server.url }, teardown: () => server.stop() };
  };
}

export async function runBench(options: BenchOptions): Promise<void> {
  const caseIndex = process.argv.indexOf('--case');
  if (caseIndex !== -1) {
    const name = process.argv[caseIndex + 1]!;
    const run = options.cases[name];
    if (run === undefined) throw new Error(`unknown case ${name}`);
    const result = await run();
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }

  if (options.build === true) {
    // `npm run build`: tsc (declarations) and the esbuild bundle (scripts/bundle.mjs), as `npm pack` builds.
    const built = spawnSync('npm', ['run', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
  }
  const runs = options.runs ?? Number(process.env['BENCH_RUNS'] ?? 5);
  const names = [options.subject, ...options.peers];
  const rates = new Map<string, number[]>(names.map((n) => [n, []]));
  const shared = options.setup === undefined ? undefined : await options.setup();
  const notes = new Map<string, string>(); // a case's `note`, from its last run, printed after the table
  try {
    for (let i = 0; i < runs; i++) {
      for (const name of names) {
        const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(options.file), '--case', name], {
          encoding: 'utf8',
          env: { ...process.env, ...shared?.env },
          maxBuffer: 16 * 1024 * 1024,
        });
        if (child.status !== 0) throw new Error(`case ${name} failed:\n${child.stderr}`);
        const line = child.stdout.trim().split('\n').pop()!;
        const { ops, ms, note } = JSON.parse(line) as { ops: number; ms: number; note?: string };
        rates.get(name)!.push((ops / ms) * 1000);
        if (note !== undefined) notes.set(name, note);
      }
    }
  } finally {
    await shared?.teardown();
  }

  process.stdout.write(`\n${options.title}  (median of ${runs} runs, each in a fresh process)\n`);
  if (options.measure === 'time') {
    const ms = (rate: number): string => `${(1000 / rate).toFixed(1)} ms`;
    for (const name of names) {
      const all = rates.get(name)!;
      process.stdout.write(`  ${name.padEnd(28)} ${ms(median(all)).padStart(12)}   runs: ${all.map(ms).join(', ')}\n`);
    }
    for (const peer of options.peers) {
      const ratio = median(rates.get(peer)!) / median(rates.get(options.subject)!);
      const goal = options.goals?.[peer];
      const verdict = goal === undefined ? '' : ratio <= goal ? `  (goal ≤ ${goal}×: met)` : `  (goal ≤ ${goal}×: NOT met)`;
      process.stdout.write(`  ratio ${options.subject} / ${peer}: ${ratio.toFixed(2)}×${verdict}\n`);
    }
    return;
  }
  for (const name of names) {
    const all = rates.get(name)!;
    process.stdout.write(`  ${name.padEnd(28)} ${format(median(all)).padStart(12)}   runs: ${all.map(format).join(', ')}\n`);
    if (notes.has(name)) process.stdout.write(`    ${notes.get(name)!}\n`);
  }
  const subjectRate = median(rates.get(options.subject)!);
  for (const peer of options.peers) {
    const ratio = subjectRate / median(rates.get(peer)!);
    const goal = options.goals?.[peer];
    const verdict = goal === undefined ? '' : ratio >= goal ? `  (goal ≥ ${goal}×: met)` : `  (goal ≥ ${goal}×: NOT met)`;
    process.stdout.write(`  ratio ${options.subject} / ${peer}: ${ratio.toFixed(2)}×${verdict}\n`);
  }
}
