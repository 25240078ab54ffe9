// The tarball smoke test (CI): what a user installing eventtrack gets.
//
// `npm pack` (which builds through `prepack`), install the tarball into a fresh
// temporary project with the peers mongodb and ioredis, and run there, from
// scripts/smoke/: (a) an ESM TypeScript app compiled with `module: nodenext`
// and one compiled with `moduleResolution: bundler` (by this repository's
// typescript), (b) plain ESM JavaScript, (c) CommonJS `require`, (d)
// `npx eventtrack catalog`. Each program emits to a MemoryBackend (and a
// LoggerBackend) and checks what arrived.
//
// Usage: tsx scripts/smoke-package.ts [--node <path>]…
// Each `--node` binary (e.g. from `.ci/node 22`) also runs (b) and (c), so
// `require` of the ES module is checked on every Node of the CI matrix.
// `--keep` leaves the temporary project in place.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { node: { type: 'string', multiple: true, default: [] }, keep: { type: 'boolean', default: false } } });
const root = resolve(import.meta.dirname, '..');
const programs = join(root, 'scripts/smoke');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'eventtrack-smoke-'));
const app = join(work, 'app');

function run(command: string, args: string[], cwd: string): string {
  process.stdout.write(`$ ${[command, ...args].join(' ')}\n`);
  const out = execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  process.stdout.write(out);
  return out;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`smoke test: ${message}`);
}

try {
  // The tarball, as `npm publish` would make it.
  const packed = run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()!;
  const tarball = join(work, packed);
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
  check(listing.includes('package/LICENSE'), 'the tarball has no LICENSE');
  check(listing.includes('package/dist/index.js') && listing.includes('package/dist/cli.js'), 'the tarball has no build (dist/)');
  check(!listing.some((file) => file.endsWith('.map')), 'the tarball carries source maps');
  check(!listing.some((file) => /^package\/(src|test|bench|scripts|examples)\//.test(file)), 'the tarball carries sources or tests');

  // A fresh project: the tarball, its peers, and the node types for the TypeScript apps.
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'smoke-app', private: true, type: 'module' }, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, 'mongodb', 'ioredis'], app);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/eventtrack/package.json'), 'utf8')) as { version: string };
  process.stdout.write(`installed eventtrack ${installed.version}\n`);

  for (const file of readdirSync(programs)) copyFileSync(join(programs, file), join(app, file));
  const typeRoots = [join(root, 'node_modules/@types')];
  const compilerOptions = { target: 'ES2022', strict: true, skipLibCheck: true, types: ['node'], typeRoots, outDir: 'out' };
  writeFileSync(
    join(app, 'tsconfig.nodenext.json'),
    JSON.stringify({ compilerOptions: { ...compilerOptions, module: 'nodenext', moduleResolution: 'nodenext', outDir: 'out/nodenext' }, files: ['app-nodenext.ts'] }),
  );
  writeFileSync(
    join(app, 'tsconfig.bundler.json'),
    JSON.stringify({ compilerOptions: { ...compilerOptions, module: 'esnext', moduleResolution: 'bundler', outDir: 'out/bundler' }, files: ['app-bundler.ts'] }),
  );

  // (a) TypeScript, both resolutions: compile with this repository's tsc, then run.
  run(process.execPath, [tsc, '-p', 'tsconfig.nodenext.json'], app);
  check(run(process.execPath, ['out/nodenext/app-nodenext.js'], app).includes('ok esm typescript'), '(a) nodenext');
  run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], app);
  check(run(process.execPath, ['out/bundler/app-bundler.js'], app).includes('ok esm typescript'), '(a) bundler');

  // (b) plain ESM and (c) CommonJS, on this Node and on every --node given.
  for (const node of [process.execPath, ...values.node]) {
    check(run(node, ['app-esm.mjs'], app).includes('ok esm javascript'), `(b) ESM on ${node}`);
    check(run(node, ['app-cjs.cjs'], app).includes('ok commonjs require'), `(c) CommonJS on ${node}`);
  }

  // (d) the command line, through npx as a user runs it.
  const json = run('npx', ['--no-install', 'eventtrack', 'catalog', './catalog.mjs', '--format', 'json'], app);
  const schema = JSON.parse(json) as Record<string, unknown>;
  check(JSON.stringify(schema).includes('smoke.cli'), '(d) eventtrack catalog --format json does not document smoke.cli');
  const markdown = run('npx', ['--no-install', 'eventtrack', 'catalog', './catalog.mjs'], app);
  check(markdown.includes('smoke.cli') && markdown.includes('The CLI smoke test documented this event.'), '(d) eventtrack catalog (markdown)');

  process.stdout.write('\nsmoke test of the package: ok\n');
} finally {
  if (values.keep) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
