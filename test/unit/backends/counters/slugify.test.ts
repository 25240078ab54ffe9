import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slugify } from '../../../../src/backends/counters/slugify.js';
import { nameProblem } from '../../../../src/metrics/names.js';

test('valid names map to themselves', () => {
  for (const name of ['page.view', 'user signed up', 'ünïcødé.✓', 'a:b-c/d', 'x'.repeat(200)]) assert.equal(slugify(name), name);
});

test('forbidden characters become underscores', () => {
  assert.equal(slugify('cart{v2}.add'), 'cart_v2_.add');
  assert.equal(slugify('a*b?c[d]e\\f'), 'a_b_c_d_e_f');
  assert.equal(slugify('tab\there\u007f'), 'tab_here_');
});

test('overlong names keep 191 characters plus ~ and a hash, distinct per name, and are valid slugs', () => {
  const a = `${'x'.repeat(250)}.a`;
  const b = `${'x'.repeat(250)}.b`;
  const slugA = slugify(a);
  assert.equal(slugA.length, 200);
  assert.match(slugA, /^x{191}~[0-9a-f]{8}$/);
  assert.notEqual(slugA, slugify(b));
  assert.equal(slugify(a), slugA, 'deterministic');
  assert.equal(nameProblem(slugA), undefined);
  assert.equal(nameProblem(slugify(`{${'*'.repeat(300)}}`)), undefined);
});
