import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { compileSkip } from '../../../src/integrations/skip.js';
import { globToRegExp } from '../../../src/routing/glob.js';

describe('compileSkip', () => {
  it('returns undefined for no rules', () => {
    assert.equal(compileSkip([]), undefined);
  });

  it('matches string prefixes', () => {
    const skip = compileSkip<unknown>(['/health', '/static/'])!;
    for (const path of ['/health', '/healthz', '/health/live', '/static/app.js']) assert.ok(skip(path, {}), path);
    for (const path of ['/', '/api/health', '/static']) assert.ok(!skip(path, {}), path);
  });

  it('matches globs over the whole path', () => {
    const skip = compileSkip<unknown>(['/assets/**', '/*.ico', '/v?/ping'])!;
    for (const path of ['/assets/a.js', '/assets/x/y/z.css', '/favicon.ico', '/v1/ping']) assert.ok(skip(path, {}), path);
    for (const path of ['/assets', '/img/favicon.ico', '/v10/ping', '/v1/ping/x']) assert.ok(!skip(path, {}), path);
  });

  it('matches RegExps, ignoring the global flag state', () => {
    const skip = compileSkip<unknown>([/^\/internal\//g])!;
    assert.ok(skip('/internal/a', {}));
    assert.ok(skip('/internal/a', {}), 'a /g RegExp would fail every second test');
    assert.ok(!skip('/public/internal/a', {}));
  });

  it('calls predicates with the framework request', () => {
    const skip = compileSkip<{ bot: boolean }>([(req) => req.bot])!;
    assert.ok(skip('/x', { bot: true }));
    assert.ok(!skip('/x', { bot: false }));
  });

  it('rejects empty and non-rule entries naming skip', () => {
    for (const bad of ['', 42, null]) {
      assert.throws(() => compileSkip([bad as never]), (error: unknown) => error instanceof ConfigurationError && error.option === 'skip');
    }
  });
});

describe('skip globs: the dialect of event-name globs, with / as the separator', () => {
  it('a ** segment in the middle matches zero segments, as in event names', () => {
    const skip = compileSkip<unknown>(['/a/**/b'])!;
    for (const path of ['/a/b', '/a/x/b', '/a/x/y/b']) assert.ok(skip(path, {}), path);
    for (const path of ['/a/xb', '/ab', '/a/b/c', '/x/a/b']) assert.ok(!skip(path, {}), path);
    // The same pattern with dots, as a route or counter rule writes it.
    const name = globToRegExp('a.**.b');
    for (const path of ['/a/b', '/a/x/b', '/a/x/y/b', '/a/xb']) {
      assert.equal(skip(path, {}), name.test(path.slice(1).replaceAll('/', '.')), path);
    }
  });

  it('a leading ** segment matches any depth, a trailing one one or more segments', () => {
    const skip = compileSkip<unknown>(['**/*.map', '/static/**'])!;
    for (const path of ['/app.js.map', '/a/b/app.js.map', '/static/a', '/static/a/b']) assert.ok(skip(path, {}), path);
    for (const path of ['/static', '/staticx/a', '/app.js']) assert.ok(!skip(path, {}), path);
  });

  it('escapes RegExp characters', () => {
    assert.ok(globToRegExp('/a.b(c)*', '/').test('/a.b(c)'));
    assert.ok(!globToRegExp('/a.b*', '/').test('/axb'));
  });
});
