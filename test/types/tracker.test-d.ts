// Type tests for the Tracker itself, checked by `tsc --noEmit` (npm run typecheck):
// every `@ts-expect-error` line must fail to compile.
import type { JSONSchemaType } from 'ajv';
import { createTracker } from '../../src/tracker/createTracker.js';

const schema: JSONSchemaType<{ url: string; status?: number }> = {
  type: 'object',
  properties: { url: { type: 'string' }, status: { type: 'integer', nullable: true } },
  required: ['url'],
};

const tracker = createTracker()
  .define('navigation.request', { description: 'A page was requested.', version: 1, schema })
  .define('address.create', {
    description: 'An address was created.',
    version: 1,
    schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  });

tracker.emit('navigation.request', { url: '/' });
tracker.emit('navigation.request', { url: '/', status: 200 }, { timestamp: new Date() });
tracker.emit('address.create', { name: 'home' });
tracker.emit('not.defined', { anything: true }); // undefined names stay untyped
tracker.emit('not.defined');
// emit returns the backpressure signal, as stream.write does.
const accepted: boolean = tracker.emit('not.defined');
void accepted;
const drained: Promise<void> = tracker.drain();
void drained;
tracker.on('drain', () => undefined);

// @ts-expect-error: url must be a string
tracker.emit('navigation.request', { url: 42 });
// @ts-expect-error: url is required
tracker.emit('navigation.request', { status: 200 });
// @ts-expect-error: data is required for a defined event
tracker.emit('navigation.request');
// @ts-expect-error: name must be a string
tracker.emit('address.create', { name: 1 });
