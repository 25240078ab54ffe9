// The README's quick start runs as written: its code block is extracted and
// run as an application would run it (`import … from 'eventtrack'`, resolved
// here to the sources through tsconfig paths), in a fresh process and an
// empty directory; what it prints is what the block's comments say.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The first ```js block of the README's "Quick start" section. */
function quickStartBlock(readme: string): string {
  const section = readme.slice(readme.indexOf('\n## Quick start\n'));
  const match = /\n```js\n([\s\S]*?)\n```\n/.exec(section.slice(0, section.indexOf('\n## ', 1)));
  if (match === null) throw new Error('README: no ```js block in "Quick start"');
  return match[1]!;
}

describe('README quick start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-readme-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs as written and prints what its comments say', async () => {
    const code = quickStartBlock(readFileSync(join(root, 'README.md'), 'utf8'));
    assert.match(code, /from 'eventtrack'/);
    writeFileSync(join(dir, 'quickstart.mjs'), code);
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', import.meta.resolve('tsx'), 'quickstart.mjs'],
        { cwd: dir, timeout: 30_000, env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') } },
        (error, out, err) => (error === null ? resolve({ stdout: out, stderr: err }) : reject(new Error(`${error.message}\n${err}`))),
      );
    });
    assert.equal(stderr, '');
    // The commented output lines (`// name {…}`) are exactly the lines printed for the events.
    const expected = code.split('\n').flatMap((line) => /^\/\/ (\S+ \{.*\})$/.exec(line)?.slice(1) ?? []);
    assert.ok(expected.length > 0, 'the block shows its output');
    const printed = stdout.trimEnd().split('\n');
    assert.deepEqual(printed.slice(0, expected.length), expected);
    assert.match(printed[expected.length]!, /^delivered: true, 4 events/);
    // The JSON-lines file it names, in its working directory.
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, expected.length);
  });
});
