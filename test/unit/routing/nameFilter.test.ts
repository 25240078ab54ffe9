import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { compileNameFilter, NAME_FILTER_CACHE_SIZE, type NameFilterOptions } from '../../../src/routing/nameFilter.js';

describe('compileNameFilter', () => {
  it('returns undefined when there is nothing to filter', () => {
    assert.equal(compileNameFilter({}), undefined);
    assert.equal(compileNameFilter({ include: undefined, exclude: [] }), undefined);
  });

  const table: [title: string, options: NameFilterOptions, pass: string[], block: string[]][] = [
    ['exact include', { include: ['a.b', 'c'] }, ['a.b', 'c'], ['a', 'a.b.c', 'A.B']],
    ['single matcher, not a list', { include: 'a.b' }, ['a.b'], ['a.c']],
    ['glob include', { include: ['nav.*'] }, ['nav.x'], ['nav', 'nav.x.y', 'other']],
    ['RegExp include finds (not anchored)', { include: [/error/] }, ['db.error', 'error.x'], ['db.warn']],
    ['case-insensitive RegExp', { include: [/^NAV\./i] }, ['nav.x', 'Nav.y'], ['x.nav']],
    ['exclude only', { exclude: ['debug.**', /^internal\./] }, ['nav.x', 'debug'], ['debug.x', 'debug.a.b', 'internal.y']],
    ['deny wins over allow', { include: ['**'], exclude: ['secret.*'] }, ['a', 'secret'], ['secret.key']],
    ['deny wins for the same exact name', { include: ['a'], exclude: ['a'] }, [], ['a']],
    ['mixed exact, glob and RegExp', { include: ['x', 'y.*', /^z/] }, ['x', 'y.1', 'zz'], ['w', 'y']],
    ['empty include lets nothing pass', { include: [] }, [], ['a', 'b.c']],
  ];
  for (const [title, options, pass, block] of table) {
    it(title, () => {
      const filter = compileNameFilter(options);
      assert.ok(filter !== undefined);
      // Twice: the second round answers from the cache and must agree.
      for (let round = 0; round < 2; round++) {
        for (const name of pass) assert.equal(filter(name), true, `${name} should pass`);
        for (const name of block) assert.equal(filter(name), false, `${name} should be blocked`);
      }
    });
  }

  it('gives stable answers for global and sticky RegExps', () => {
    const filter = compileNameFilter({ include: [/a/g, /b/y] })!;
    for (let i = 0; i < 3; i++) {
      assert.equal(filter(`a${i}`), true);
      assert.equal(filter(`b${i}`), true);
      assert.equal(filter(`c${i}`), false);
    }
  });

  it('stays correct past the cache bound', () => {
    const filter = compileNameFilter({ include: ['keep.*'] })!;
    for (let i = 0; i < NAME_FILTER_CACHE_SIZE * 2 + 5; i++) {
      assert.equal(filter(`keep.${i}`), true);
      assert.equal(filter(`drop.${i}`), false);
    }
  });

  const bad: [options: NameFilterOptions, option: string][] = [
    [{ include: [''] }, 'routes[2].include[0]'],
    [{ exclude: ['a', 42 as unknown as string] }, 'routes[2].exclude[1]'],
    [{ include: [null as unknown as string] }, 'routes[2].include[0]'],
  ];
  for (const [options, option] of bad) {
    it(`rejects a bad matcher at ${option}`, () => {
      assert.throws(
        () => compileNameFilter(options, 'routes[2]'),
        (error: unknown) => error instanceof ConfigurationError && error.option === option,
      );
    });
  }
});
