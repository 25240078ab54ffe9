// Runs every benchmark in bench/ (or those named: `npm run bench -- emit logger`),
// one after another; each spawns its own fresh processes. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const wanted = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && f !== 'harness.ts' && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, '')))
  .sort();
let failed = 0;
for (const file of files) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (child.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
