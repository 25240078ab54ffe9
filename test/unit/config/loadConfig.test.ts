import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../../src/config/loadConfig.js';
import type { TrackerConfig } from '../../../src/config/specs.js';
import { ConfigurationError } from '../../../src/errors.js';
import { createTracker } from '../../../src/tracker/createTracker.js';

const dir = mkdtempSync(join(tmpdir(), 'eventtrack-loadconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  test('a JSON file gives a configuration createTracker builds', async () => {
    const log = join(dir, 'from-json.jsonl');
    const file = join(dir, 'eventtrack.config.json');
    writeFileSync(file, JSON.stringify({ backends: { log: { type: 'logger', options: { path: log }, exclude: [{ regex: '^internal\\.' }] } } }));
    const tracker = createTracker(await loadConfig<TrackerConfig>(file));
    tracker.emit('internal.tick', {});
    tracker.emit('page.view', { a: 1 });
    await tracker.shutdown();
    assert.deepEqual(readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).name), ['page.view']);
  });

  test("a .mjs module's default export, which may hold functions (a map processor)", async () => {
    const log = join(dir, 'from-module.jsonl');
    const file = join(dir, 'eventtrack.config.mjs');
    writeFileSync(file, `export default { backends: { log: { type: 'logger', options: { path: ${JSON.stringify(log)} },
      processors: [{ type: 'map', options: { fn: (e) => ({ data: { ...e.data, mapped: true } }) } }] } } };\n`);
    const tracker = createTracker(await loadConfig<TrackerConfig>(file));
    tracker.emit('x', { a: 1 });
    await tracker.shutdown();
    assert.deepEqual(JSON.parse(readFileSync(log, 'utf8')).data, { a: 1, mapped: true });
  });

  test('unreadable files, invalid JSON and modules without a default export fail naming the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "backends": ');
    const noDefault = join(dir, 'nodefault.mjs');
    writeFileSync(noDefault, 'export const x = 1;\n');
    for (const [path, pattern] of [[bad, /not valid JSON/], [join(dir, 'missing.json'), /cannot read/], [noDefault, /no default export/]] as const) {
      await assert.rejects(loadConfig(path), (e: unknown) => e instanceof ConfigurationError && e.option === path && pattern.test(e.message));
    }
  });
});
