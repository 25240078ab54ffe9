import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import { ConfigurationError, ValidationError } from '../../../src/errors.js';
import { EventCatalog, type EventCatalogOptions } from '../../../src/catalog/EventCatalog.js';
import { ALLOWED_UNDEFINED_VERDICT, VALID_VERDICT, type CatalogPolicy } from '../../../src/catalog/CatalogPolicy.js';
import type { JsonObject } from '../../../src/event/TrackedEvent.js';

const addressSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    address: {
      type: 'object',
      properties: { postal_code: { type: 'string' }, country: { type: 'string' } },
      required: ['country'],
    },
    email: { type: 'string', format: 'email' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

function catalog(options: EventCatalogOptions = {}) {
  return new EventCatalog(options).define('address.create', { description: 'An address was created.', version: 2, schema: addressSchema });
}

describe('EventCatalog.define', () => {
  it('keeps a frozen copy of the definition, sorted in entries()', () => {
    const schema = { type: 'object', properties: { url: { type: 'string' } } } as { type: 'object'; properties: { url: { type: 'string' } } };
    const c = new EventCatalog()
      .define('nav.request', { description: 'A page was requested.', version: 1, schema, fields: { url: 'The path.' } })
      .define('a.first', { description: 'First.', version: 1, schema: { type: 'object' } });
    (schema.properties.url as { type: string }).type = 'number';
    const entry = c.get('nav.request')!;
    assert.deepEqual(entry.schema, { type: 'object', properties: { url: { type: 'string' } } });
    assert.ok(Object.isFrozen(entry) && Object.isFrozen(entry.schema));
    assert.deepEqual(entry.fields, { url: 'The path.' });
    assert.equal(entry.deprecated, false);
    assert.deepEqual(c.entries().map((e) => e.name), ['a.first', 'nav.request']);
    assert.equal(c.size, 2);
    assert.equal(c.has('nav.request'), true);
    assert.equal(c.get('missing'), undefined);
    assert.equal(c.validate('nav.request', { url: 'x' }), VALID_VERDICT, 'validates with the copy taken at define time');
  });

  const ok = { description: 'd', version: 1, schema: { type: 'object' } };
  const bad: [title: string, name: string, definition: unknown, option: string][] = [
    ['an empty name', '', ok, 'name'],
    ['no definition', 'x', null, 'definition'],
    ['an empty description', 'x', { ...ok, description: ' ' }, 'description'],
    ['version 0', 'x', { ...ok, version: 0 }, 'version'],
    ['a fractional version', 'x', { ...ok, version: 1.5 }, 'version'],
    ['a schema that is not an object', 'x', { ...ok, schema: 'object' }, 'schema'],
    ['a schema of a non-object type', 'x', { ...ok, schema: { type: 'string' } }, 'schema'],
    ['a misspelt keyword (Ajv strict mode)', 'x', { ...ok, schema: { type: 'object', requried: ['a'] } }, 'schema'],
    ['an unknown format', 'x', { ...ok, schema: { type: 'object', properties: { a: { type: 'string', format: 'nope' } } } }, 'schema'],
    ['fields that are not strings', 'x', { ...ok, fields: { a: 1 } }, 'fields'],
    ['a bad deprecated flag', 'x', { ...ok, deprecated: 1 }, 'deprecated'],
  ];
  for (const [title, name, definition, option] of bad) {
    it(`rejects ${title}`, () => {
      assert.throws(
        () => new EventCatalog().define(name, definition as never),
        (e: unknown) => e instanceof ConfigurationError && e.option === option,
      );
    });
  }

  it('rejects a second definition of a name', () => {
    const c = new EventCatalog().define('x', ok as never);
    assert.throws(() => c.define('x', ok as never), (e: unknown) => e instanceof ConfigurationError && e.option === 'name');
  });

  const badOptions: [EventCatalogOptions, string][] = [
    [{ undefinedEvents: 'ignore' as CatalogPolicy }, 'undefinedEvents'],
    [{ invalidEvents: 'drop' as CatalogPolicy }, 'invalidEvents'],
    [{ formats: 'yes' as unknown as boolean }, 'formats'],
    [{ ajv: {} as Ajv }, 'ajv'],
  ];
  for (const [options, option] of badOptions) {
    it(`rejects option ${option}`, () => {
      assert.throws(() => new EventCatalog(options), (e: unknown) => e instanceof ConfigurationError && e.option === option);
    });
  }
});

describe('EventCatalog.validate', () => {
  it('returns the shared verdict for valid data, without touching frozen data', () => {
    const data = Object.freeze({ name: 'home', address: Object.freeze({ country: 'NL' }) });
    assert.equal(catalog().validate('address.create', data), VALID_VERDICT);
  });

  it('lists every issue with its path in the event', () => {
    const verdict = catalog({ invalidEvents: 'reject' }).validate('address.create', { address: { postal_code: 1 }, email: 'no', extra: 1 });
    assert.equal(verdict.status, 'invalid');
    assert.equal(verdict.action, 'reject');
    assert.deepEqual(
      verdict.issues!.map((i) => i.path).sort(),
      ['data', 'data.address.country', 'data.address.postal_code', 'data.email', 'data.name'].sort(),
    );
    assert.ok(verdict.error instanceof ValidationError);
    assert.equal(verdict.error.reason, 'invalid-event');
    assert.match(verdict.error.message, /Event "address.create" \(version 2\) does not match its schema: .+ and 2 more$/);
    assert.ok(verdict.error.path?.startsWith('data'));
  });

  it('checks formats by default, and not with formats: false', () => {
    assert.equal(catalog().validate('address.create', { name: 'a', email: 'not-an-email' }).status, 'invalid');
    assert.equal(catalog({ formats: false }).validate('address.create', { name: 'a', email: 'not-an-email' }), VALID_VERDICT);
  });

  const policies: [policy: CatalogPolicy, action: string, hasError: boolean][] = [
    ['allow', 'deliver', false],
    ['warn', 'warn', true],
    ['reject', 'reject', true],
  ];
  for (const [policy, action, hasError] of policies) {
    it(`undefinedEvents: ${policy}`, () => {
      const verdict = catalog({ undefinedEvents: policy }).validate('nope', {});
      assert.deepEqual([verdict.status, verdict.action, verdict.error instanceof ValidationError], ['undefined', action, hasError]);
      if (hasError) assert.equal(verdict.error!.reason, 'undefined-event');
      else assert.equal(verdict, ALLOWED_UNDEFINED_VERDICT);
    });
    it(`invalidEvents: ${policy}`, () => {
      const verdict = catalog({ invalidEvents: policy }).validate('address.create', { name: 42 });
      assert.deepEqual([verdict.status, verdict.action, verdict.error instanceof ValidationError], ['invalid', action, hasError]);
      assert.deepEqual(verdict.issues, [{ path: 'data.name', message: 'must be string' }]);
    });
  }

  it('defaults to allow for undefined and warn for invalid events', () => {
    assert.deepEqual(new EventCatalog().policy, { undefinedEvents: 'allow', invalidEvents: 'warn' });
  });

  it('treats missing data as an empty object', () => {
    assert.deepEqual(catalog().validate('address.create', undefined).issues, [{ path: 'data.name', message: 'is required' }]);
  });

  it("uses the caller's Ajv instance, and a throwing custom keyword makes the event invalid, not the call", () => {
    const require = createRequire(import.meta.url);
    const { Ajv: AjvClass } = require('ajv') as { Ajv: new (o: object) => Ajv };
    const ajv = new AjvClass({ logger: false });
    ajv.addKeyword({
      keyword: 'explode',
      validate: (_schema: unknown, data: JsonObject) => {
        if (data['boom'] === true) throw new Error('keyword failed');
        return true;
      },
    });
    const c = new EventCatalog({ ajv }).define('x', { description: 'd', version: 1, schema: { type: 'object', explode: true } });
    assert.equal(c.validate('x', { boom: false }), VALID_VERDICT);
    const verdict = c.validate('x', { boom: true });
    assert.equal(verdict.status, 'invalid');
    assert.equal((verdict.error!.cause as Error).message, 'keyword failed');
  });
});
