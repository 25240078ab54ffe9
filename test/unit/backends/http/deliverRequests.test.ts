import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliverRequests } from '../../../../src/backends/http/deliverRequests.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../../src/backends/http/retryAfter.js';
import { HttpStatusError, PartialDeliveryError } from '../../../../src/errors.js';

test('parseRetryAfter reads seconds and HTTP dates, caps them, and ignores junk', () => {
  const now = Date.parse('2026-11-29T22:00:00Z');
  assert.equal(parseRetryAfter('2', now), 2_000);
  assert.equal(parseRetryAfter(['1.5'], now), 1_500);
  assert.equal(parseRetryAfter('Sun, 29 Nov 2026 22:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Sun, 29 Nov 2026 21:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('86400', now), MAX_RETRY_AFTER_MS);
  for (const junk of [undefined, '', 'soon', '-5']) assert.equal(parseRetryAfter(junk, now), 0);
});

test('HttpStatusError: 408, 429 and 5xx are retryable, other statuses not', () => {
  for (const status of [408, 429, 500, 503]) assert.equal(new HttpStatusError(status, '').retryable, true);
  for (const status of [301, 400, 401, 403, 413, 422]) assert.equal(new HttpStatusError(status, '').retryable, false);
});

test('one request failing as a whole: its error is thrown as it is', async () => {
  const error = new HttpStatusError(429, 'slow down', { retryAfterMs: 700 });
  await assert.rejects(deliverRequests([[0, 1]], () => Promise.reject(error)), (thrown) => thrown === error);
});

test('several requests: failures per event, retryable as the error says, rejected ones first, the longest Retry-After kept', async () => {
  const sent: number[][] = [];
  const rejected = [{ index: 5, error: new Error('too big'), retryable: false }];
  const attempt = deliverRequests(
    [[0, 1], [2], [3, 4]],
    async (indices, request) => {
      sent.push([...indices]);
      if (request === 1) throw new HttpStatusError(503, '', { retryAfterMs: 900 });
      if (request === 2) throw new HttpStatusError(400, 'bad');
    },
    rejected,
  );
  await assert.rejects(attempt, (error: unknown) => {
    assert.ok(error instanceof PartialDeliveryError);
    assert.deepEqual(error.failures.map((f) => [f.index, f.retryable]), [[5, false], [2, true], [3, false], [4, false]]);
    assert.equal((error as unknown as { retryAfterMs: number }).retryAfterMs, 900);
    assert.match(error.message, /4 event\(s\).*too big/);
    return true;
  });
  assert.deepEqual(sent, [[0, 1], [2], [3, 4]], 'a failed request does not stop the next ones');
  await deliverRequests([[0], [1]], async () => undefined);
});
