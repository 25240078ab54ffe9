import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

function run(...args: string[]): { lines: unknown[]; ms: number; status: number | null } {
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/exit-without-shutdown.ts', ...args], { encoding: 'utf8', timeout: 20_000 });
  const lines = child.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
  return { lines, ms: Date.now() - started, status: child.status };
}

test('a process that never calls shutdown exits promptly and its queued events are flushed', () => {
  const { lines, ms, status } = run();
  assert.equal(status, 0);
  assert.equal(lines.length, 3);
  assert.ok(ms < 10_000, `exited after ${ms} ms (the batch interval is 60 s)`);
});

test('a hung backend delays exit by at most the shutdown deadline', () => {
  const { lines, ms, status } = run('--hung-backend');
  assert.equal(status, 0);
  assert.equal(lines.length, 3, 'the healthy backend still got every event');
  assert.ok(ms < 10_000, `exited after ${ms} ms`);
});

test('shutdown holds the process open until it ends, even when the backend holds nothing open (hung server, unref\'d sockets)', () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/shutdown-hung-close.ts'], { encoding: 'utf8', timeout: 20_000 });
  const lines = child.stdout.trim().split('\n').filter(Boolean);
  assert.equal(child.status, 0, child.stderr);
  assert.equal(lines.length, 2, `the code after shutdown ran: ${JSON.stringify(lines)}`);
  assert.match(lines[0]!, /^SHUTDOWN \d+$/);
  assert.equal(lines[1], 'AFTER');
});
