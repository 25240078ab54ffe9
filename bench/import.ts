// The start-up cost of the core: wall time of `import('eventtrack')` (the
// compiled package, the names of the quick start) against `require('pino')`,
// each timed inside a fresh plain `node` process (no tsx loader in it).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runBench } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `code` in a fresh `node` process in the repository and returns the ms it prints. */
function timed(code: string, type: 'module' | 'commonjs'): { ops: number; ms: number } {
  const child = spawnSync(process.execPath, [`--input-type=${type}`, '--eval', code], { cwd: root, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return { ops: 1, ms: Number(child.stdout.trim()) };
}

await runBench({
  title: 'bench/import: importing the core in a fresh process',
  file: import.meta.url,
  subject: "import('eventtrack') core",
  peers: ["require('pino')"],
  goals: { "require('pino')": 1.5 },
  measure: 'time',
  build: true,
  runs: Number(process.env['BENCH_RUNS'] ?? 9),
  cases: {
    // 'eventtrack' resolves to dist/ through the package's own `exports` (self-reference), as in an application.
    "import('eventtrack') core": async () =>
      timed(
        `const t = performance.now();
         const { createTracker, MemoryBackend, LoggerBackend } = await import('eventtrack');
         const ms = performance.now() - t;
         if (typeof createTracker !== 'function' || typeof MemoryBackend !== 'function' || typeof LoggerBackend !== 'function') process.exit(1);
         console.log(ms);`,
        'module',
      ),
    "require('pino')": async () =>
      timed(
        `const t = performance.now();
         const pino = require('pino');
         const ms = performance.now() - t;
         if (typeof pino !== 'function') process.exit(1);
         console.log(ms);`,
        'commonjs',
      ),
  },
});
