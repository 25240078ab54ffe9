// edX parity and session hardening of the request integrations: the context hook,
// skipEventOnly, and the raw session id masked wherever it appears.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { RequestTracking } from '../../../src/integrations/RequestTracking.js';
import { createTracker } from '../../../src/tracker/createTracker.js';
import type { RequestTrackingOptions } from '../../../src/integrations/options.js';
import type { IncomingMessage } from 'node:http';
import { FakeResponse, fakeRequest } from './fixtures.js';

const memory = new MemoryBackend();
const tracker = createTracker({ backends: { memory }, flushOnExit: false });
const SECRET = 'a-session-secret-of-32-characters';
const SID = 's:Xy7kQpL2mN9vB4tR.sig';

async function request(options: RequestTrackingOptions<IncomingMessage>, init: Parameters<typeof fakeRequest>[0]) {
  const tracking = new RequestTracking(tracker, options);
  const req = fakeRequest(init);
  const res = new FakeResponse();
  let tracked: boolean | undefined;
  tracking.run(req, res.asResponse(), req.url!, req, (entered) => {
    tracked = entered;
    tracker.emit('app.inside', {});
  });
  res.finish(200);
  await tracker.flush();
  return { tracked, inside: memory.named('app.inside')[0], event: memory.named('http.request')[0] };
}

after(() => tracker.shutdown());

describe('request integrations: edX parity', () => {
  beforeEach(() => memory.clear());

  it('the context option adds fields (as edX records username, client id, course and org ids)', async () => {
    const { inside } = await request(
      { context: (req) => ({ username: 'alice', client_id: 'ga.1', course_id: req.url!.split('/')[2], org_id: 'MITx', skipped: null, n: 3 }) },
      { url: '/courses/MITx+6.002x/info' },
    );
    assert.deepEqual(
      [inside!.context['username'], inside!.context['client_id'], inside!.context['course_id'], inside!.context['org_id'], inside!.context['n']],
      ['alice', 'ga.1', 'MITx+6.002x', 'MITx', 3],
    );
    assert.equal('skipped' in inside!.context, false);
  });

  it('a throwing context option or a non-JSON field is reported; the request context is kept', async () => {
    const errors: unknown[] = [];
    const throwing = await request({ context: () => { throw new Error('no user'); }, onError: (e) => errors.push(e) }, { url: '/x' });
    assert.equal(throwing.inside!.context['path'], '/x');
    memory.clear();
    const odd = await request({ context: () => ({ ok: 'y', nested: { a: 1 } }), onError: (e) => errors.push(e) }, { url: '/y' });
    assert.equal(odd.inside!.context['ok'], 'y');
    assert.equal('nested' in odd.inside!.context, false);
    assert.equal(errors.length, 2);
    assert.match(String((errors[1] as Error).message), /context|nested/);
  });

  it('skipEventOnly: a skipped URL keeps the request context but records no request event', async () => {
    const kept = await request({ skip: ['/health'], skipEventOnly: true, requestEvent: true }, { url: '/health', headers: { 'x-request-id': 'r9' } });
    assert.equal(kept.tracked, true);
    assert.equal(kept.inside!.context['request_id'], 'r9');
    assert.equal(kept.event, undefined);
    memory.clear();
    const dropped = await request({ skip: ['/health'], requestEvent: true }, { url: '/health' });
    assert.equal(dropped.tracked, false);
    assert.deepEqual(dropped.inside!.context, {});
    assert.throws(() => new RequestTracking(tracker, { skipEventOnly: 'yes' as never }), /skipEventOnly/);
  });
});

describe('request integrations: the raw session id never reaches an event', () => {
  beforeEach(() => memory.clear());

  it('the session cookie as a query parameter, in the path and in the referer are masked', async () => {
    const encoded = encodeURIComponent(SID);
    const { inside, event } = await request(
      { sessionSecret: SECRET, requestEvent: { headers: ['referer'] } },
      {
        url: `/s/${encoded}/view?connect.sid=${encoded}&other=${encoded}&page=2`,
        headers: { cookie: `connect.sid=${encoded}`, referer: `https://example.test/login?sid=${encoded}` },
      },
    );
    const everything = JSON.stringify([inside, event]);
    assert.equal(everything.includes(SID), false, everything);
    assert.equal(everything.includes(encoded), false, everything);
    assert.equal(everything.includes('Xy7kQpL2mN9vB4tR'), false, everything);
    assert.match(inside!.context['session_hash'] as string, /^[0-9a-f]{64}$/);
    assert.equal(inside!.context['path'], '/s/[masked]/view');
    assert.equal(inside!.context['referer'], 'https://example.test/login?sid=[masked]');
    assert.deepEqual(event!.data['query'], { 'connect.sid': '[masked]', other: '[masked]', page: '2' });
    assert.equal(event!.data['path'], '/s/[masked]/view');
  });

  it('the id read by sessionId() is masked under any parameter name, and in the context option fields', async () => {
    const raw = 'plain-session-id-123456';
    const { inside, event } = await request(
      { sessionSecret: SECRET, sessionId: () => raw, context: () => ({ token_seen: `t=${raw}` }), requestEvent: true },
      { url: `/p?sid=${raw}` },
    );
    const everything = JSON.stringify([inside, event]);
    assert.equal(everything.includes(raw), false, everything);
    assert.deepEqual(event!.data['query'], { sid: '[masked]' });
    assert.equal(inside!.context['token_seen'], 't=[masked]');
  });

  it('without a session secret nothing is read or masked (no session field at all)', async () => {
    const { inside } = await request({}, { url: '/s/abcdefgh12345678', headers: { cookie: 'connect.sid=abcdefgh12345678' } });
    assert.equal(inside!.context['path'], '/s/abcdefgh12345678');
    assert.equal('session_hash' in inside!.context, false);
  });
});
