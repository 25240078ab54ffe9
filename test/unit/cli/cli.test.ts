import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'src/cli.ts');
const fixture = (name: string): string => `test/unit/cli/fixtures/${name}.ts`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a child process through tsx, from the repository root. */
function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

describe('eventtrack catalog (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes Markdown for a module exporting `catalog`', async () => {
    const { code, stdout, stderr } = await run('catalog', fixture('catalog-named'));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^# Event catalog\n/);
    assert.match(stdout, /## `navigation.request`/);
    assert.match(stdout, /\| `url` \| string \| yes \| The requested path\. \|/);
    assert.match(stdout, /## `address.create`\n\nVersion 2\./);
  });

  it('writes one JSON Schema with --format json and a title', async () => {
    const { code, stdout, stderr } = await run('catalog', fixture('catalog-named'), '--format', 'json', '--title', 'Shop');
    assert.equal(code, 0, stderr);
    const document = JSON.parse(stdout) as { title: string; definitions: Record<string, unknown> };
    assert.equal(document.title, 'Shop');
    assert.deepEqual(Object.keys(document.definitions), ['address.create', 'navigation.request']);
  });

  it("reads a default-exported tracker's catalog, writes --out, and exits although the module keeps timers open", async () => {
    const out = join(dir, 'docs', 'events.md');
    const started = Date.now();
    const { code, stderr } = await run('catalog', `./${fixture('tracker-default')}`, '-o', out);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /wrote .*events\.md/);
    assert.match(readFileSync(out, 'utf8'), /## `user.signup`[\s\S]*\| `plan` \| "free" \\\| "pro" \| no \|/);
    assert.ok(Date.now() - started < 15_000);
  });

  const failures: [title: string, args: string[], code: number, message: RegExp][] = [
    ['a module without a catalog', ['catalog', fixture('no-catalog')], 1, /exports no event catalog: export `catalog`/],
    ['a module that throws on import', ['catalog', fixture('throws')], 1, /cannot import .*database URL is not set/],
    ['a module that does not exist', ['catalog', './nope.ts'], 1, /cannot import "\.\/nope\.ts"/],
    ['a package that does not exist', ['catalog', 'no-such-package-eventtrack'], 1, /cannot import "no-such-package-eventtrack"/],
    ['no command', [], 2, /no command given[\s\S]*Usage: eventtrack catalog/],
    ['an unknown command', ['docs', 'x'], 2, /unknown command "docs"/],
    ['no module', ['catalog'], 2, /no module given/],
    ['an unknown format', ['catalog', fixture('catalog-named'), '--format', 'html'], 2, /--format must be markdown or json/],
    ['an unknown option', ['catalog', fixture('catalog-named'), '--verbose'], 2, /Unknown option '--verbose'/],
  ];
  for (const [title, args, expectedCode, message] of failures) {
    it(`fails with exit code ${expectedCode} for ${title}`, async () => {
      const { code, stdout, stderr } = await run(...args);
      assert.equal(code, expectedCode);
      assert.match(stderr, message);
      assert.equal(stdout, '');
    });
  }

  it('prints usage with --help', async () => {
    const { code, stdout } = await run('--help');
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: eventtrack catalog <module>/);
  });
});
