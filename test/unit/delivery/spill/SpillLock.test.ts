import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SpillLog } from '../../../../src/delivery/spill/SpillLog.js';
import { ConfigurationError, SpillLockedError } from '../../../../src/errors.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-spill-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface OpenOutcome {
  ok: boolean;
  name?: string;
  message?: string;
  pid?: number;
  dir?: string;
}

/** Opens the spill of backend "b" in `dir` from a child process. */
function openInChild(dir: string): Promise<OpenOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/spill-child.ts', 'open', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as OpenOutcome) : reject(new Error(`child exited with ${code}`))));
  });
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('a second process cannot open a spill folder that is in use; the error names the folder and the holder pid', async (t) => {
  const dir = tempDir(t);
  const log = await SpillLog.open('b', { dir, fsync: 'never' });
  const refused = await openInChild(dir);
  assert.equal(refused.ok, false);
  assert.equal(refused.name, 'SpillLockedError');
  assert.equal(refused.pid, process.pid);
  assert.equal(refused.dir, join(dir, 'b'));
  assert.match(refused.message!, new RegExp(`delivery\\.spill\\.dir.*${join(dir, 'b').replaceAll('/', '\\/')}.*pid ${process.pid}`));
  await log.close();
  assert.equal(existsSync(join(dir, 'b', 'lock')), false, 'released on close');
  assert.deepEqual(await openInChild(dir), { ok: true });
});

test('a second spill of the same folder in this process is refused too; other backends have their own folder', async (t) => {
  const dir = tempDir(t);
  const log = await SpillLog.open('b', { dir, fsync: 'never' });
  t.after(() => log.close());
  await assert.rejects(SpillLog.open('b', { dir }), (error: unknown) => error instanceof SpillLockedError && error instanceof ConfigurationError && error.option === 'delivery.spill.dir');
  const other = await SpillLog.open('c', { dir, fsync: 'never' });
  await other.close();
  // Two opens started together: exactly one gets the lock.
  const dir2 = tempDir(t);
  const outcomes = await Promise.allSettled([SpillLog.open('b', { dir: dir2 }), SpillLog.open('b', { dir: dir2 })]);
  assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
  for (const o of outcomes) if (o.status === 'fulfilled') await o.value.close();
});

test('a lock left by a process that is gone is taken over', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'b'));
  const pid = deadPid();
  writeFileSync(join(dir, 'b', 'lock'), JSON.stringify({ pid, hostname: hostname() }));
  const log = await SpillLog.open('b', { dir, fsync: 'never' });
  assert.equal((JSON.parse(readFileSync(join(dir, 'b', 'lock'), 'utf8')) as { pid: number }).pid, process.pid);
  await log.close();
});

test('a lock with our own pid that this process did not take (an earlier life, as pid 1 in a container) is taken over; an unreadable one too', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'b', 'lock'), JSON.stringify({ pid: process.pid, hostname: hostname() }));
  await (await SpillLog.open('b', { dir, fsync: 'never' })).close();
  writeFileSync(join(dir, 'b', 'lock'), '');
  await (await SpillLog.open('b', { dir, fsync: 'never' })).close();
});

test('a lock held by a live process, or by another host that keeps it fresh, is not taken over', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'b', 'lock'), JSON.stringify({ pid: process.ppid, hostname: hostname() }));
  await assert.rejects(SpillLog.open('b', { dir }), (error: unknown) => error instanceof SpillLockedError && error.pid === process.ppid);
  writeFileSync(join(dir, 'b', 'lock'), JSON.stringify({ pid: deadPid(), hostname: 'elsewhere.example' }));
  await assert.rejects(SpillLog.open('b', { dir }), /locked by a process on host elsewhere\.example/);
});

test('a lock of another host untouched for over a minute is taken over (a container recreated under a new host name)', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'b'));
  const lock = join(dir, 'b', 'lock');
  writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: 'old-pod-7f9c' }));
  const twoMinutesAgo = new Date(Date.now() - 120_000);
  utimesSync(lock, twoMinutesAgo, twoMinutesAgo);
  const log = await SpillLog.open('b', { dir, fsync: 'never' });
  assert.equal((JSON.parse(readFileSync(lock, 'utf8')) as { hostname: string }).hostname, hostname());
  await log.close();
});
