// A process appending to the spill is SIGKILLed mid-stream: the next one on
// the same folder replays every event whose append had resolved, exactly once
// and in order (and possibly some whose append had not yet resolved, never a
// gap: the log is a prefix of what was appended).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SpillLog } from '../../../../src/delivery/spill/SpillLog.js';

function runUntilKilled(dir: string, afterEvents: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/spill-child.ts', 'write', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = 0;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) acknowledged = Math.max(acknowledged, Number(line));
      if (acknowledged >= afterEvents && !child.killed) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acknowledged) : reject(new Error(`the writer ended by itself (${signal})`))));
  });
}

test('SIGKILL mid-stream: every event whose append resolved is replayed exactly once, in order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-spill-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const killAfter of [5_000, 12_000]) {
    const acknowledged = await runUntilKilled(dir, killAfter);
    assert.ok(acknowledged >= killAfter);
    const log = await SpillLog.open('b', { dir, fsync: 'never' }); // the dead writer's lock is taken over
    const ids: number[] = [];
    for (;;) {
      const batch = await log.readBatch(500);
      if (batch.events.length === 0) break;
      ids.push(...batch.events.map((e) => Number(e.id)));
      await batch.ack();
    }
    await log.close();
    // Each writer's ids start at 0; the first run's events were all delivered above.
    assert.ok(ids.length >= acknowledged, `${ids.length} replayed, ${acknowledged} acknowledged`);
    assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i), 'in order, no gap, no duplicate');
  }
});
