// `eventtrack serve` in a child process: starts from a JSON config (a secret
// by env reference), serves, logs JSON lines (pino), and on SIGTERM finishes,
// flushes the events and exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'et-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('serve --config: events posted before SIGTERM are flushed to the backend; exit code 0', { timeout: 30_000 }, async () => {
  const events = join(dir, 'events.jsonl');
  const config = join(dir, 'eventtrack.config.json');
  writeFileSync(config, JSON.stringify({
    tracker: { backends: { log: { type: 'logger', options: { path: events }, delivery: { flushIntervalMs: 60_000 } } } },
    server: { port: 0, keys: [{ id: 'cli', key: { env: 'ET_SERVE_TEST_KEY' }, scopes: ['write'] }], logger: { level: 'info' } },
  }));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'serve', '--config', config], {
    cwd: root,
    env: { ...process.env, ET_SERVE_TEST_KEY: 'cli-secret-key-1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(stderr);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
  });
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: 'Bearer cli-secret-key-1', 'content-type': 'application/x-ndjson' },
    body: '{"name":"cli.one"}\n{"name":"cli.two"}\n',
  });
  assert.equal(response.status, 200);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const lines = readFileSync(events, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { name: string });
  assert.deepEqual(lines.map((e) => e.name), ['cli.one', 'cli.two']);
  // Structured logs: one JSON object per line, the request logged by Fastify's pino.
  const logs = stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; level: number });
  assert.ok(logs.some((entry) => entry.msg === 'request completed'));
  assert.match(stderr, /stopped \(SIGTERM\)/);
});

test('serve without --config is a usage error; a bad config names the option', { timeout: 30_000 }, async () => {
  const run = (args: string[]) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'serve', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
  const usage = await run([]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--config is required/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ server: { limits: { bodyBytes: -1 } } }));
  const refused = await run(['--config', bad]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /server\.limits\.bodyBytes/);
});
