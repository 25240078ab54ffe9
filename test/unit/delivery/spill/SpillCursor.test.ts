import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SpillCursor } from '../../../../src/delivery/spill/SpillCursor.js';

test('the cursor persists across opens; a slot cut short or damaged falls back to the previous cursor', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-spill-cursor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await SpillCursor.open(dir);
  assert.equal(first.initial, undefined, 'no cursor yet');
  await first.write({ segment: 3, offset: 100 }, false);
  await first.write({ segment: 3, offset: 250 }, true);
  await first.close();
  const second = await SpillCursor.open(dir);
  assert.deepEqual(second.initial, { segment: 3, offset: 250 });
  await second.write({ segment: 4, offset: 0 }, false); // third write: slot 1 again
  await second.close();

  const path = join(dir, 'cursor');
  const bytes = readFileSync(path);
  bytes[32 + 9]! ^= 0xff; // damage the latest slot
  writeFileSync(path, bytes);
  const third = await SpillCursor.open(dir);
  assert.deepEqual(third.initial, { segment: 3, offset: 250 }, 'the other slot');
  await third.close();

  writeFileSync(path, bytes.subarray(0, 40)); // the latest slot cut short
  const fourth = await SpillCursor.open(dir);
  assert.deepEqual(fourth.initial, { segment: 3, offset: 250 });
  await fourth.close();
  writeFileSync(path, Buffer.alloc(0));
  const fifth = await SpillCursor.open(dir);
  assert.equal(fifth.initial, undefined, 'an empty file: no cursor (the log is read from its first segment)');
  await fifth.close();
});
