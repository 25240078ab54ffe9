// The test command: runs test/unit, then test/integration against real servers.
// Usage: tsx scripts/run-tests.ts [unit|integration] [file filter]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function listTests(dir: string): string[] {
  let out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out = out.concat(listTests(path));
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const which = process.argv[2] ?? 'all';
const filter = process.argv[3];
const suites = which === 'all' ? ['unit', 'integration'] : [which];
let files: string[] = [];
for (const suite of suites) files = files.concat(listTests(join('test', suite)));
if (filter !== undefined) files = files.filter((f) => f.includes(filter));

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', './test/support/leak-check.ts', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
