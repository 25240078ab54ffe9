import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globToRegExp, isGlob } from '../../../src/routing/glob.js';

describe('isGlob', () => {
  for (const [pattern, expected] of [
    ['nav.request', false],
    ['nav.*', true],
    ['v?.play', true],
    ['**', true],
  ] as const) {
    it(`${pattern} → ${expected}`, () => assert.equal(isGlob(pattern), expected));
  }
});

describe('globToRegExp', () => {
  const table: [pattern: string, matching: string[], notMatching: string[]][] = [
    ['nav.*', ['nav.request', 'nav.'], ['nav', 'nav.a.b', 'navx.request', 'xnav.request']],
    ['*.error', ['db.error'], ['error', 'db.read.error', 'db.errors']],
    ['nav.**', ['nav.request', 'nav.a.b'], ['nav', 'navigation.request']],
    ['**.error', ['error', 'db.error', 'db.read.error'], ['db.errors', 'dberror', 'db.error.x']],
    ['a.**.z', ['a.z', 'a.b.z', 'a.b.c.z'], ['a.bz', 'az', 'a.z.b', 'b.a.z']],
    ['v?.play', ['v1.play', 'vx.play'], ['v10.play', 'v.play', 'v..play']],
    ['**', ['a', 'a.b.c', ''], []],
    ['*', ['a', 'anything'], ['a.b']],
    ['a**', ['a', 'ab', 'a.b.c'], ['b.a']],
    ['course.*.play', ['course.video.play'], ['course.play', 'course.video.x.play']],
    // Regular-expression characters in a pattern match themselves.
    ['a+b.(x)|y*', ['a+b.(x)|y', 'a+b.(x)|yz'], ['aab.x', 'a+b.(x)']],
    ['a$.^b*', ['a$.^b'], ['a.b']],
  ];
  for (const [pattern, matching, notMatching] of table) {
    it(`"${pattern}"`, () => {
      const regexp = globToRegExp(pattern);
      for (const name of matching) assert.ok(regexp.test(name), `"${pattern}" should match "${name}"`);
      for (const name of notMatching) assert.ok(!regexp.test(name), `"${pattern}" should not match "${name}"`);
    });
  }
});

describe("globToRegExp with '/' (URL paths)", () => {
  const table: [pattern: string, matching: string[], notMatching: string[]][] = [
    ['/a/**/b', ['/a/b', '/a/x/b', '/a/x/y/b'], ['/a/xb', '/ab', '/a/b/c']],
    ['/static/**', ['/static/a.js', '/static/a/b.css'], ['/static', '/staticx/a']],
    ['/*.ico', ['/favicon.ico'], ['/img/favicon.ico']],
    ['**/*.ico', ['/favicon.ico', '/img/favicon.ico'], ['/favicon.png']],
    ['/v?/ping', ['/v1/ping'], ['/v10/ping', '/v/ping', '/v//ping']],
    ['/a.b', ['/a.b'], ['/axb', '/a/b']],
  ];
  for (const [pattern, matching, notMatching] of table) {
    it(`"${pattern}"`, () => {
      const regexp = globToRegExp(pattern, '/');
      for (const path of matching) assert.ok(regexp.test(path), `"${pattern}" should match "${path}"`);
      for (const path of notMatching) assert.ok(!regexp.test(path), `"${pattern}" should not match "${path}"`);
    });
  }
});
