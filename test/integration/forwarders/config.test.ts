import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracker } from '../../../src/tracker/createTracker.js';
import { ConfigurationError } from '../../../src/errors.js';
import { mixpanelServer, segmentServer, webhookServer } from './apiServers.js';

test("declarative types 'mixpanel', 'segment' and 'http' build the forwarding backends", async () => {
  const [mixpanel, segment, hook] = await Promise.all([mixpanelServer({ token: 't' }), segmentServer('k'), webhookServer()]);
  try {
    const tracker = createTracker({
      delivery: { flushIntervalMs: 10 },
      backends: {
        mp: { type: 'mixpanel', options: { token: 't', url: mixpanel.url } },
        seg: { type: 'segment', options: { writeKey: 'k', url: segment.url } },
        hook: { type: 'http', options: { url: hook.url, format: 'ndjson' } },
      },
    });
    tracker.enterContext('u', { user_id: 'u1' });
    tracker.emit('a', { n: 1 });
    assert.equal((await tracker.shutdown()).complete, true);
    assert.deepEqual([mixpanel.events.size, segment.events.size, hook.events.size], [1, 1, 1]);
  } finally {
    await Promise.all([mixpanel.close(), segment.close(), hook.close()]);
  }
});

test('bad forwarding options fail at start with a ConfigurationError naming the path', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ type: 'mixpanel', options: {} }, 'backends.x.options.token'],
    [{ type: 'mixpanel', options: { token: 't', url: 'ftp://x' } }, 'backends.x.options.url'],
    [{ type: 'mixpanel', options: { token: 't', maxEventsPerRequest: 5_000 } }, 'backends.x.options.maxEventsPerRequest'],
    [{ type: 'mixpanel', options: { serviceAccount: { username: 'u', secret: 's' } } }, 'backends.x.options.serviceAccount.projectId'],
    [{ type: 'mixpanel', options: { token: 't', distinctId: 'user' } }, 'backends.x.options.distinctId'],
    [{ type: 'segment', options: {} }, 'backends.x.options.writeKey'],
    [{ type: 'segment', options: { writeKey: 'k', anonymousId: 'x.y' } }, 'backends.x.options.anonymousId'],
    [{ type: 'http', options: { url: 'nope' } }, 'backends.x.options.url'],
    [{ type: 'http', options: { url: 'http://127.0.0.1:1', format: 'xml' } }, 'backends.x.options.format'],
    [{ type: 'http', options: { url: 'http://127.0.0.1:1', signingSecret: '' } }, 'backends.x.options.signingSecret'],
  ];
  for (const [spec, option] of cases) {
    assert.throws(
      () => createTracker({ backends: { x: spec as never } }),
      (error: unknown) => error instanceof ConfigurationError && error.option === option,
      `${JSON.stringify(spec)} → ${option}`,
    );
  }
});
