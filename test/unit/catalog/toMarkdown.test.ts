import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCatalog } from '../../../src/catalog/EventCatalog.js';

describe('catalog.toMarkdown', () => {
  const catalog = new EventCatalog()
    .define('navigation.request', {
      description: 'A page was requested.\nEmitted by the request middleware.',
      version: 1,
      schema: { type: 'object', properties: { url: { type: 'string', format: 'uri' } }, required: ['url'] },
      fields: { url: 'The full URL | with a pipe.' },
    })
    .define('address.create', {
      description: 'An address was created.',
      version: 3,
      deprecated: 'use `address.add`',
      schema: { type: 'object', properties: { name: { type: 'string' } } },
    });
  const markdown = catalog.toMarkdown({ title: 'Shop events' });

  it('starts with the title and a summary table sorted by name, linking to each section', () => {
    const lines = markdown.split('\n');
    assert.equal(lines[0], '# Shop events');
    assert.ok(lines.includes('| [`address.create`](#addresscreate) | 3 | An address was created. (deprecated) |'));
    assert.ok(lines.includes('| [`navigation.request`](#navigationrequest) | 1 | A page was requested. |'));
    assert.ok(markdown.indexOf('## `address.create`') < markdown.indexOf('## `navigation.request`'));
  });

  it('documents each event: version, deprecation, description, fields and schema', () => {
    const section = markdown.slice(markdown.indexOf('## `navigation.request`'));
    assert.match(section, /Version 1\./);
    assert.match(section, /A page was requested\.\nEmitted by the request middleware\./);
    assert.match(section, /\| `url` \| string \(uri\) \| yes \| The full URL \\\| with a pipe\. \|/);
    assert.match(section, /```json\n\{\n {2}"type": "object"/);
    assert.match(markdown, /\*\*Deprecated:\*\* use `address.add`/);
  });

  it('says so when the catalog is empty', () => {
    assert.equal(new EventCatalog().toMarkdown(), '# Event catalog\n\n_No events are defined._\n');
  });
});
