import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { fastifyPlugin } from '../../../src/integrations/fastify.js';
import type { RequestTracker } from '../../../src/integrations/RequestTracker.js';

const tracker: RequestTracker = { emit: () => undefined, context: (_name, _ctx, fn) => fn() };

describe('fastifyPlugin', () => {
  it('is not encapsulated and names itself', () => {
    const plugin = fastifyPlugin as unknown as Record<symbol, unknown>;
    assert.equal(plugin[Symbol.for('skip-override')], true);
    assert.equal(plugin[Symbol.for('fastify.display-name')], 'eventtrack');
    assert.deepEqual(plugin[Symbol.for('plugin-meta')], { name: 'eventtrack', fastify: '5.x' });
  });

  it('adds one onRequest hook and reports bad options through done', () => {
    const hooks: string[] = [];
    const instance = { addHook: (name: string) => hooks.push(name) };
    const results: (Error | undefined)[] = [];
    fastifyPlugin(instance, { tracker }, (error) => results.push(error));
    assert.equal(results.length, 1);
    assert.equal(results[0], undefined);
    assert.deepEqual(hooks, ['onRequest']);

    fastifyPlugin(instance, { tracker, requestIdHeader: '' }, (error) => results.push(error));
    assert.ok(results[1] instanceof ConfigurationError);
    assert.deepEqual(hooks, ['onRequest']);
  });
});
