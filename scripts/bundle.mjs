// The JavaScript of the package: src/index.ts and src/cli.ts, each bundled by
// esbuild into one ES module (dist/index.js, dist/cli.js), dependencies left
// as imports. One module instead of ~100 is what makes `import 'eventtrack'`
// cost about what `require('pino')` does (bench/import.ts). tsc writes the
// declarations (tsconfig.build.json, emitDeclarationOnly) next to them.
//
// Run by `npm run build` after tsc. Checks the bundle: every exported class
// and function keeps its name (errors take `name` from their class), and
// importing it loads no dependency that the core must not load.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: false,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  packages: 'external',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

const sdk = await import(pathToFileURL(`${root}/dist/index.js`).href);
const renamed = Object.entries(sdk).filter(([name, value]) => typeof value === 'function' && value.name !== name);
if (renamed.length > 0) {
  process.stderr.write(`bundle: exports whose name changed in the bundle: ${renamed.map(([n, v]) => `${n} (${v.name})`).join(', ')}\n`);
  process.exit(1);
}
