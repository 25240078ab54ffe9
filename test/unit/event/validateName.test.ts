import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEventName, MAX_NAME_LENGTH } from '../../../src/event/validateName.js';

test('event names: non-empty strings up to 256 characters without control characters', () => {
  for (const ok of ['a', 'navigation.request', 'x'.repeat(MAX_NAME_LENGTH), 'édition/créée', 'a b']) assert.equal(checkEventName(ok), undefined, ok);
  for (const bad of ['', 'x'.repeat(MAX_NAME_LENGTH + 1), 'a\nb', 'tab\there', 'nul\u0000', 'del\u007f', 'c1\u0085', 5, null, undefined]) {
    assert.equal(typeof checkEventName(bad), 'string', JSON.stringify(bad));
  }
});
