import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, before, describe, it } from 'node:test';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Context, type ContextManager } from '@opentelemetry/api';
import { ConfigurationError } from '../../../src/errors.js';
import { openTelemetry } from '../../../src/processors/openTelemetry.js';
import { makeEvent } from './fixtures.js';

/** The smallest real context manager: what @opentelemetry/context-async-hooks does, without the package. */
class TestContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function inSpan<T>(traceId: string, spanId: string, fn: () => T): T {
  const span = trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.SAMPLED });
  return context.with(trace.setSpan(context.active(), span), fn);
}

describe('openTelemetry (API installed)', () => {
  before(() => assert.ok(context.setGlobalContextManager(new TestContextManager())));
  after(() => context.disable());

  it('adds trace_id and span_id of the active span to the context', () => {
    const processor = openTelemetry()!;
    assert.ok(processor, 'the API is installed as a devDependency');
    const event = makeEvent({ context: { user: 1 } });
    const result = inSpan(TRACE_ID, SPAN_ID, () => processor(event))!;
    assert.deepEqual(result.context, { user: 1, trace_id: TRACE_ID, span_id: SPAN_ID });
    assert.equal(result.id, event.id);
    assert.deepEqual(event.context, { user: 1 }, 'the input is not mutated');
  });

  it('uses the innermost active span', () => {
    const processor = openTelemetry()!;
    const inner = inSpan(TRACE_ID, SPAN_ID, () => inSpan(TRACE_ID, '00f067aa0ba902b7', () => processor(makeEvent())));
    assert.equal(inner!.context['span_id'], '00f067aa0ba902b7');
  });

  it('uses configured context keys', () => {
    const processor = openTelemetry({ traceIdKey: 'traceId', spanIdKey: 'spanId' })!;
    const result = inSpan(TRACE_ID, SPAN_ID, () => processor(makeEvent()))!;
    assert.deepEqual(result.context, { traceId: TRACE_ID, spanId: SPAN_ID });
  });

  it('keeps the event unchanged outside a span, with an invalid span, or when the ids are already there', () => {
    const processor = openTelemetry()!;
    assert.equal(processor(makeEvent()), undefined);
    assert.equal(inSpan('00000000000000000000000000000000', SPAN_ID, () => processor(makeEvent())), undefined);
    const correlated = makeEvent({ context: { trace_id: TRACE_ID, span_id: SPAN_ID } });
    assert.equal(inSpan(TRACE_ID, SPAN_ID, () => processor(correlated)), undefined);
  });

  for (const option of ['traceIdKey', 'spanIdKey'] as const) {
    it(`rejects an empty ${option}`, () => {
      assert.throws(() => openTelemetry({ [option]: '' }), (e: unknown) => e instanceof ConfigurationError && e.option === option);
    });
  }
});

describe('openTelemetry (API absent)', () => {
  it('returns undefined when the loader finds nothing', () => {
    assert.equal(openTelemetry({ load: () => undefined }), undefined);
  });

  it('returns undefined when the loader throws (MODULE_NOT_FOUND)', () => {
    const load = () => {
      throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
    };
    assert.equal(openTelemetry({ load }), undefined);
  });

  it('returns undefined for something that is not the API', () => {
    assert.equal(openTelemetry({ load: () => ({}) as never }), undefined);
  });
});
