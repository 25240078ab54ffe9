// The JavaScript of the package: src/index.ts and src/cli.ts bundled by
// esbuild into ES modules (dist/index.js, dist/cli.js and the chunks they
// share), dependencies left as imports. A handful of modules instead of ~100
// is what makes `import 'eventtrack'` cost about what `require('pino')` does
// (bench/import.ts). tsc writes the declarations (tsconfig.build.json,
// emitDeclarationOnly) next to them. Code loaded with a dynamic `import()`
// stays in its own chunk (splitting), so it is still loaded only when used.
//
// Run by `npm run build` after tsc. Checks the result:
// - every exported class and function keeps its name (errors take `name` from their class);
// - what dist/index.js loads statically (following its chunks) includes none of
//   the packages the core must not load: Ajv, framework adapters,
//   OpenTelemetry, and the database drivers once they are peer dependencies.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Every package stays an import, except eventemitter3: inlined (a few KB), it
// spares the core import Node's CommonJS loader, the largest part of what
// importing the core cost after the bundle itself (bench/import.ts).
const manifest0 = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const INLINED = ['eventemitter3'];
const external = [
  ...Object.keys({ ...manifest0.dependencies, ...manifest0.peerDependencies, ...manifest0.devDependencies }).filter((name) => !INLINED.includes(name)),
];

await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts', 'server/index': 'src/server/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  external: [...external, ...external.map((name) => `${name}/*`)],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

const fail = (message) => {
  process.stderr.write(`bundle: ${message}\n`);
  process.exit(1);
};

const sdk = await import(pathToFileURL(join(root, 'dist/index.js')).href);
const renamed = Object.entries(sdk).filter(([name, value]) => typeof value === 'function' && value.name !== name);
if (renamed.length > 0) fail(`exports whose name changed in the bundle: ${renamed.map(([n, v]) => `${n} (${v.name})`).join(', ')}`);

/** The bare specifiers `file` imports statically, following its relative static imports. */
function staticPackages(file, seen = new Set(), found = new Set()) {
  if (seen.has(file)) return found;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?["']([^"']+)["'];?$/gm)) {
    if (specifier.startsWith('.')) staticPackages(join(dirname(file), specifier), seen, found);
    else if (!specifier.startsWith('node:')) found.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
  }
  return found;
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lazy = ['ajv', 'ajv-formats', 'express', 'fastify', 'prom-client', 'koa', '@koa/router', '@opentelemetry/api'];
for (const driver of ['mongodb', 'ioredis']) if (manifest.peerDependencies?.[driver] !== undefined) lazy.push(driver);
const eager = [...staticPackages(join(root, 'dist/index.js'))].filter((name) => lazy.includes(name));
if (eager.length > 0) fail(`dist/index.js loads ${eager.join(', ')} at import; these must be loaded at first use`);
