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

describe('catalog.toMarkdown with hostile input', () => {
  it('does not throw for fields named like Object.prototype members, and documents them', () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
    // JSON.parse makes `__proto__` an own property, as a schema file would.
    const schema = JSON.parse(`{ "type": "object", "properties": { ${names.map((n) => `"${n}": { "type": "string", "description": "the ${n} field" }`).join(', ')} } }`);
    const catalog = new EventCatalog().define('odd.fields', { description: 'Odd names.', version: 1, schema });
    const markdown = catalog.toMarkdown();
    for (const name of names) assert.ok(markdown.includes(`| \`${name}\` | string | no | the ${name} field |`), name);
    const documented = new EventCatalog().define('odd.docs', { description: 'd', version: 1, schema, fields: JSON.parse('{ "constructor": "built by", "__proto__": "proto doc" }') });
    const text = documented.toMarkdown();
    assert.ok(text.includes('| `constructor` | string | no | built by |'));
    assert.ok(text.includes('| `__proto__` | string | no | proto doc |'));
  });

  it('escapes descriptions: pipes, line breaks, backticks and HTML in cells; HTML and fences in paragraphs', () => {
    const catalog = new EventCatalog().define('x.y', {
      description: 'Line one <script>alert(1)</script> | `tick`\n```\n# not a heading\n</details>',
      version: 1,
      schema: { type: 'object', properties: { a: { type: 'string', description: 'a | b\n`c` <b>d</b> & e' } } },
    });
    const markdown = catalog.toMarkdown();
    assert.equal(markdown.includes('<script>'), false);
    assert.equal(markdown.split('</details>').length - 1, 1, 'only our own </details> closes the schema block');
    assert.ok(markdown.includes('| `a` | string | no | a \\| b<br>\\`c\\` &lt;b&gt;d&lt;/b&gt; &amp; e |'), markdown);
    assert.ok(markdown.includes('| Line one &lt;script&gt;alert(1)&lt;/script&gt; \\| \\`tick\\` |'), markdown);
    assert.ok(markdown.includes('\n\\```\n\\# not a heading\n&lt;/details&gt;\n'), markdown);
  });
});
