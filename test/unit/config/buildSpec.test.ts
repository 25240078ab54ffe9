import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { CounterBackend } from '../../../src/backends/counters/CounterBackend.js';
import { buildBackend, resolveTrackerConfig } from '../../../src/config/buildSpec.js';
import { registerBackendType, registerProcessorType, registeredTypes } from '../../../src/config/types.js';
import { ConfigurationError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { BackendRegistration } from '../../../src/tracker/TrackerOptions.js';

const dir = mkdtempSync(join(tmpdir(), 'eventtrack-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const captured = new Map<string, MemoryBackend>();
registerBackendType('capture', (options) => {
  const backend = new MemoryBackend();
  captured.set(String(options['id']), backend);
  return backend;
});

function failsAt(option: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    assert.equal(error.option, option);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('declarative configuration', () => {
  test('specs and objects mix in backends; processors and name filters (RegExp as JSON) come from specs', async () => {
    const path = join(dir, 'events.jsonl');
    const direct = new MemoryBackend();
    const config = JSON.parse(JSON.stringify({
      processors: [{ type: 'enrich', options: { context: { service: 'web' } } }],
      backends: {
        log: {
          type: 'logger',
          options: { path },
          processors: [{ type: 'redact', options: { paths: ['data.password'] } }],
          include: ['page.*', { regex: '^AUTH\\.', flags: 'i' }],
          exclude: [{ regex: 'debug' }],
        },
        capture: { type: 'capture', options: { id: 'one' }, processors: [{ type: 'rename', options: { mapping: { 'data.a': 'data.b' } } }] },
      },
    }));
    const tracker = createTracker({ ...config, backends: { ...config.backends, direct } });
    tracker.emit('page.view', { password: 'secret', a: 1 });
    tracker.emit('auth.login', {});
    tracker.emit('page.debug', {});
    tracker.emit('other', {});
    await tracker.shutdown();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((l) => l.name), ['page.view', 'auth.login']);
    assert.equal(lines[0].data.password, '[REDACTED]');
    assert.equal(lines[0].context.service, 'web');
    const capturedEvents = captured.get('one')!.events;
    assert.equal(capturedEvents.length, 4);
    assert.deepEqual(capturedEvents[0]!.data, { password: 'secret', b: 1 });
    assert.equal(direct.events.length, 4);
  });

  test("a 'counters' spec builds its store from { type: 'memory', options } and revives RegExp rule matches", async () => {
    const built = buildBackend({
      type: 'counters',
      options: { store: { type: 'memory', options: { prefix: 'cfg' } }, rules: [{ match: { regex: '^shop\\.' }, slug: 'shop' }], defaultRule: false },
    }, 'backends.counters') as BackendRegistration;
    const counters = built.backend as CounterBackend;
    assert.ok(counters instanceof CounterBackend);
    assert.equal(counters.metrics.store.prefix, 'cfg');
    const tracker = createTracker({ backends: { counters: built } });
    tracker.emit('shop.buy', {});
    tracker.emit('shop.buy', {});
    tracker.emit('home', {});
    await tracker.flush();
    assert.equal((await counters.metrics.getMetric('shop')).year, 2);
    await tracker.shutdown();
  });

  test('a router spec nests specs; registered processor types run; a factory returning undefined is skipped', async () => {
    registerProcessorType('tag', (options) => (event: TrackedEvent) => ({ ...event, data: { ...event.data, tag: options['tag'] as string } }));
    registerProcessorType('nothing', () => undefined);
    const tracker = createTracker({
      backends: {
        tree: {
          type: 'router',
          options: { routes: [{ backend: { type: 'capture', options: { id: 'routed' } }, include: { regex: '^a' }, processors: [{ type: 'tag', options: { tag: 'x' } }, { type: 'nothing' }] }] },
        },
      },
    });
    tracker.emit('a.one', { n: 1 });
    tracker.emit('b.two', { n: 2 });
    await tracker.shutdown();
    assert.deepEqual(captured.get('routed')!.events.map((e) => [e.name, e.data]), [['a.one', { n: 1, tag: 'x' }]]);
    assert.ok(registeredTypes().processors.includes('tag'));
    assert.ok(registeredTypes().backends.includes('mongodb'));
  });

  test('unknown types and bad options fail at start with a ConfigurationError naming the path', () => {
    const cases: Array<[unknown, string, RegExp?]> = [
      [{ backends: { log: { type: 'kafka' } } }, 'backends.log.type', /unknown backend type "kafka".*registerBackendType/],
      [{ backends: { log: { type: 'logger', processors: [{ type: 'nope' }] } } }, 'backends.log.processors[0].type', /unknown processor type "nope"/],
      [{ backends: { log: { type: 'logger', options: { path: '' } } } }, 'backends.log.options.path'],
      [{ backends: { log: { type: 'logger', options: { format: 'xml' } } } }, 'backends.log.options.format'],
      [{ backends: { log: { type: 'logger', processors: [{ type: 'redact', options: { paths: ['nowhere.x'] } }] } } }, 'backends.log.processors[0].options.paths[0]'],
      [{ backends: { log: { type: 'logger', processors: [{ type: 'sample', options: { rate: 2 } }] } } }, 'backends.log.processors[0].options.rate'],
      [{ backends: { log: { type: 'logger', include: [{ regex: '(' }] } } }, 'backends.log.include[0]', /invalid RegExp/],
      [{ backends: { log: { type: 'logger', include: [42] } } }, 'backends.log.include[0]'],
      [{ backends: { log: { type: 'logger', option: {} } } }, 'backends.log.option', /not a spec field/],
      [{ backends: { log: { type: 'logger', options: 'x' } } }, 'backends.log.options'],
      [{ backends: { log: { type: 7 } } }, 'backends.log.type'],
      [{ backends: { c: { type: 'counters', options: { store: { type: 'sqlite' } } } } }, 'backends.c.options.store.type', /redis, memory/],
      [{ processors: [{ type: 'map', options: {} }] }, 'processors[0].options.fn'],
      [{ processors: [{ type: 'edxLegacy', options: { contextFields: { nope: 'x' } } }] }, 'processors[0].options.contextFields.nope'],
      [{ backends: { t: { type: 'router', options: { routes: [{ backend: { type: 'gone' } }] } } } }, 'backends.t.options.routes[0].backend.type'],
    ];
    for (const [config, option, pattern] of cases) {
      assert.throws(() => createTracker(config as never), failsAt(option, pattern), `${JSON.stringify(config)} → ${option}`);
    }
  });

  test('a factory that throws something else, or returns no backend, is reported at the spec', () => {
    registerBackendType('broken', () => { throw new Error('no network'); });
    registerBackendType('empty', () => 42 as never);
    assert.throws(() => resolveTrackerConfig({ backends: { b: { type: 'broken' } } }), failsAt('backends.b.options', /no network/));
    assert.throws(() => resolveTrackerConfig({ backends: { b: { type: 'empty' } } }), failsAt('backends.b.type', /returned no backend/));
    assert.throws(() => registerBackendType('bad name!', () => new MemoryBackend()), failsAt('name'));
  });

  test("a spec's delivery options reach its backend (checked at start, naming the path)", async () => {
    const tracker = createTracker({ backends: { slow: { type: 'capture', options: { id: 'delivery' }, delivery: { batchSize: 2, flushIntervalMs: 60_000 } } } });
    for (let i = 0; i < 3; i++) tracker.emit('e', { i });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(captured.get('delivery')!.events.length, 2, 'a full batch of 2 went out; the third waits for the (long) timer');
    await tracker.shutdown();
    assert.throws(() => createTracker({ backends: { b: { type: 'memory', delivery: { batchSize: 0 } } } }), failsAt('backends.b.delivery.batchSize'));
  });

  test('options without specs pass through unchanged', () => {
    const memory = new MemoryBackend();
    const processor = (event: TrackedEvent) => event;
    const resolved = resolveTrackerConfig({ backends: { memory }, processors: [processor], strict: true });
    assert.equal(resolved.backends!['memory'], memory);
    assert.deepEqual(resolved.processors, [processor]);
    assert.equal(resolved.strict, true);
  });
});
