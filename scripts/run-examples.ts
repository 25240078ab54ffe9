// Runs every file in examples/ (as CI does), each in its own process, with a
// Redis and a FerretDB started on loopback ports when their binaries are
// installed (REDIS_URL / MONGODB_URL from the environment win). Examples that
// need a server say so and exit 0 without it; REQUIRE_SERVERS=1 makes a
// missing server a failure instead.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, startFerretDB, startRedis } from '../test/support/servers.js';

const env: Record<string, string> = {};
const stops: Array<() => Promise<void>> = [];
const required = process.env['REQUIRE_SERVERS'] === '1';
let failed = 0;

async function provide(envVar: string, binary: string, start: () => Promise<{ url: string; stop: () => Promise<void> }>): Promise<void> {
  if (process.env[envVar] !== undefined) return;
  if (findBinary(binary) === undefined) {
    const message = `examples: ${binary} is not installed, so examples run without ${envVar} (install: npm run servers:install)`;
    if (required) throw new Error(`${message}; REQUIRE_SERVERS=1`);
    process.stderr.write(`${message}\n`);
    return;
  }
  const server = await start();
  env[envVar] = server.url;
  stops.push(() => server.stop());
}

try {
  await provide('REDIS_URL', 'redis-server', startRedis);
  await provide('MONGODB_URL', 'ferretdb', startFerretDB);
  const files = readdirSync('examples').filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) {
    process.stdout.write(`\n▶ examples/${file}\n`);
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', join('examples', file)], {
      stdio: 'inherit',
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    const ok = child.status === 0;
    if (!ok) failed++;
    process.stdout.write(`${ok ? '✔' : '✖'} examples/${file} (${Date.now() - started} ms, exit ${child.status ?? child.signal})\n`);
  }
  process.stdout.write(`\nexamples: ${files.length - failed} passed, ${failed} failed\n`);
} finally {
  for (const stop of stops) await stop();
}
process.exit(failed === 0 ? 0 : 1);
