import type { CatalogEntry } from './CatalogEntry.js';
import { schemaFields } from './schemaFields.js';

/** Options of `catalog.toMarkdown()`. */
export interface MarkdownOptions {
  /** The top heading. Default: `'Event catalog'`. */
  title?: string;
}

/** Defaults of {@link MarkdownOptions}. */
export const DEFAULT_MARKDOWN_OPTIONS: Readonly<Required<MarkdownOptions>> = Object.freeze({ title: 'Event catalog' });

/** Escapes what would break a table cell (pipes, line breaks). */
const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/** GitHub's heading anchor for an event name (`address.create` → `addresscreate`). */
const anchor = (name: string): string => name.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

function deprecation(entry: CatalogEntry): string | undefined {
  if (entry.deprecated === undefined || entry.deprecated === false) return undefined;
  return entry.deprecated === true ? '**Deprecated.**' : `**Deprecated:** ${entry.deprecated}`;
}

/**
 * Renders the catalog as Markdown: a summary table of every event, then one
 * section per event with its description, version and a table of its fields
 * (path, type, required, description), and the schema itself.
 */
export function renderMarkdown(entries: readonly CatalogEntry[], options: MarkdownOptions = {}): string {
  const { title } = { ...DEFAULT_MARKDOWN_OPTIONS, ...options };
  const lines: string[] = [`# ${title}`, ''];
  if (entries.length === 0) return [...lines, '_No events are defined._', ''].join('\n');

  lines.push(`${entries.length} event${entries.length === 1 ? '' : 's'}.`, '', '| Event | Version | Description |', '| --- | --- | --- |');
  for (const entry of entries) {
    const summary = entry.description.split(/\r?\n/)[0] ?? '';
    const flag = deprecation(entry) === undefined ? '' : ' (deprecated)';
    lines.push(`| [\`${cell(entry.name)}\`](#${anchor(entry.name)}) | ${entry.version} | ${cell(summary)}${flag} |`);
  }

  for (const entry of entries) {
    lines.push('', `## \`${entry.name}\``, '', `Version ${entry.version}.`, '');
    const deprecated = deprecation(entry);
    if (deprecated !== undefined) lines.push(deprecated, '');
    lines.push(entry.description, '');
    const fields = schemaFields(entry.schema, entry.fields);
    if (fields.length === 0) {
      lines.push('_No documented fields._');
    } else {
      lines.push('| Field | Type | Required | Description |', '| --- | --- | --- | --- |');
      for (const field of fields) {
        lines.push(`| \`${cell(field.path)}\` | ${cell(field.type)} | ${field.required ? 'yes' : 'no'} | ${cell(field.description)} |`);
      }
    }
    lines.push('', '<details><summary>JSON Schema</summary>', '', '```json', JSON.stringify(entry.schema, null, 2), '```', '', '</details>');
  }
  lines.push('');
  return lines.join('\n');
}
