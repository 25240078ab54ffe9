// Importing the core (tracker, memory and logger backends) loads no driver,
// no Ajv and no framework adapter: each is loaded at first use of the feature
// that needs it. Checked in a fresh process that records every module loaded.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The packages a process loaded (names from node_modules paths and URLs), after running `code`. */
function packagesLoadedBy(code: string): Promise<Set<string>> {
  const script = `${code}\nglobalThis.__reportLoads();`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--import', './test/unit/package/fixtures/recordLoads.mjs', '--input-type=module', '--eval', script],
      { cwd: root, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error !== null) return reject(new Error(`${error.message}\n${stderr}`));
        const lines = stdout.trim().split('\n');
        const paths = JSON.parse(lines[lines.length - 1]!) as string[];
        const names = new Set<string>();
        for (const path of paths) {
          const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(decodeURIComponent(path));
          if (match !== null) names.add(match[1]!);
        }
        resolve(names);
      },
    );
  });
}

const CORE_IMPORT = `
const { createTracker, MemoryBackend, LoggerBackend } = await import('./src/index.ts');
const memory = new MemoryBackend();
const tracker = createTracker({ backends: { memory, log: new LoggerBackend({ stream: new (await import('node:stream')).PassThrough() }) } });
tracker.emit('core.loaded', { ok: true });
await tracker.shutdown();
if (memory.events.length !== 1) throw new Error('the core did not deliver');`;

/** Loaded only by the features that need them. */
const NOT_IN_CORE = ['ajv', 'ajv-formats', 'express', 'fastify', 'koa', '@koa/router', '@opentelemetry/api', '@datadog/sketches-js'];

/** The database drivers: optional peers, loaded at first use (issue #9). */
const DRIVERS = ['mongodb', 'ioredis', 'bson'];

describe('import cost of the core', () => {
  it('a fresh process records the packages it loads (the check can fail)', async () => {
    const names = await packagesLoadedBy(`await import('ajv'); await import('express');`);
    assert.ok(names.has('ajv') && names.has('express'), [...names].join(', '));
  });

  it('createTracker, MemoryBackend and LoggerBackend load no Ajv, framework or OpenTelemetry', async () => {
    const names = await packagesLoadedBy(CORE_IMPORT);
    assert.deepEqual(NOT_IN_CORE.filter((name) => names.has(name)), []);
  });

  it('…and no database driver', async () => {
    const names = await packagesLoadedBy(CORE_IMPORT);
    assert.deepEqual(DRIVERS.filter((name) => names.has(name)), []);
  });

  it('Ajv is loaded at the first define, not before', async () => {
    const names = await packagesLoadedBy(`
const { createTracker, EventCatalog } = await import('./src/index.ts');
const tracker = createTracker({ catalog: new EventCatalog() });
tracker.define('a.b', { description: 'A test event.', version: 1, schema: { type: 'object', properties: { n: { type: 'number' } } } });
await tracker.shutdown();`);
    assert.ok(names.has('ajv'), [...names].join(', '));
  });

  it('@datadog/sketches-js is loaded at the first timing, not by counters', async () => {
    const counting = `
const { Metrics } = await import('./src/index.ts');
const metrics = new Metrics();
metrics.metric('a');
await metrics.getMetricHistory('a', { limit: 1 });
await metrics.close();`;
    assert.ok(!(await packagesLoadedBy(counting)).has('@datadog/sketches-js'));
    const timing = counting.replace("metrics.metric('a');", "metrics.timing('a', 12);");
    assert.ok((await packagesLoadedBy(timing)).has('@datadog/sketches-js'));
  });
});
