import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { EventCatalog } from '../../../src/catalog/EventCatalog.js';
import { isLinearOnNative, linearRegExp } from '../../../src/catalog/linearRegExp.js';
import { ConfigurationError } from '../../../src/errors.js';

const catalogModule = fileURLToPath(new URL('../../../src/catalog/EventCatalog.ts', import.meta.url));

describe('schema patterns run on a linear-time engine', () => {
  it('a pattern with nested quantifiers does not stall validation (2^40 steps on a backtracking engine)', () => {
    // In a child process with a deadline: a stalled validation blocks its event loop, so only a kill can end it.
    const script = `
      import { EventCatalog } from ${JSON.stringify(catalogModule)};
      const catalog = new EventCatalog().define('x', { description: 'd', version: 1,
        schema: { type: 'object', properties: { slug: { type: 'string', pattern: '^([a-z0-9]+)+$' } } } });
      const hostile = 'a'.repeat(40) + '!';
      const results = [catalog.validate('x', { slug: hostile }).status, catalog.validate('x', { slug: 'abc123' }).status];
      process.stdout.write(JSON.stringify(results));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000, encoding: 'utf8' });
    assert.equal(child.signal, null, 'validation did not finish: the pattern backtracked');
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), ['invalid', 'valid']);
  });

  it('patterns and patternProperties keep their meaning (anchors, classes, unicode, case)', () => {
    const catalog = new EventCatalog().define('p', {
      description: 'd',
      version: 1,
      schema: {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^[A-Z]{2}-\\d{3}$' }, word: { type: 'string', pattern: 'caf\\u00e9|\\p{Lu}x' } },
        patternProperties: { '^x_': { type: 'number' } },
      },
    });
    assert.equal(catalog.validate('p', { code: 'AB-123' }).status, 'valid');
    assert.equal(catalog.validate('p', { code: 'ab-123' }).status, 'invalid');
    assert.equal(catalog.validate('p', { code: 'xAB-123' }).status, 'invalid');
    assert.equal(catalog.validate('p', { word: 'un café' }).status, 'valid');
    assert.equal(catalog.validate('p', { word: 'Éx' }).status, 'valid');
    assert.equal(catalog.validate('p', { word: 'cafe' }).status, 'invalid');
    assert.equal(catalog.validate('p', { x_a: 1 }).status, 'valid');
    assert.equal(catalog.validate('p', { x_a: 'no' }).status, 'invalid');
  });

  it('a pattern the linear engine cannot run (backreference, lookahead) is refused at define, saying why', () => {
    for (const pattern of ['^(a)\\1$', '^(?=a)a$']) {
      assert.throws(
        () => new EventCatalog().define('b', { description: 'd', version: 1, schema: { type: 'object', properties: { s: { type: 'string', pattern } } } }),
        (error: unknown) => error instanceof ConfigurationError && error.option === 'schema' && /linear-time engine/.test(error.message),
      );
    }
  });
});

describe('isLinearOnNative', () => {
  it('keeps the native engine only for start-anchored patterns with one quantifier and no groups', () => {
    for (const pattern of ['^\\d+$', '^[a-z0-9-]{1,64}$', '^abc$', '^[(|)*+]x*$', '^a+?$']) assert.equal(isLinearOnNative(pattern), true, pattern);
    for (const pattern of ['^([a-z0-9]+)+$', '[a-z]+$', '^\\d*\\d*$', '^(a|b)$', '^(a)\\1$', '^[A-Z]{2}-\\d{3}$', '^a[b']) {
      assert.equal(isLinearOnNative(pattern), false, pattern);
    }
    assert.ok(linearRegExp('^\\d+$', 'u') instanceof RegExp);
    assert.equal(linearRegExp('^([a-z]+)+$', 'u') instanceof RegExp, false);
  });
});
