import type { CatalogEntry } from './CatalogEntry.js';
import { schemaFields } from './schemaFields.js';

/** Options of `catalog.toMarkdown()`. */
export interface MarkdownOptions {
  /** The top heading. Default: `'Event catalog'`. */
  title?: string;
}

/** Defaults of {@link MarkdownOptions}. */
export const DEFAULT_MARKDOWN_OPTIONS: Readonly<Required<MarkdownOptions>> = Object.freeze({ title: 'Event catalog' });

const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes HTML, so a description cannot add tags (`<script>`, or a `</details>` closing ours). */
const html = (text: string): string => text.replace(/[&<>]/g, (char) => HTML[char]!);

/**
 * Escapes what would break a table cell or format it: backslashes, pipes,
 * backticks, HTML; line breaks become `<br>`.
 */
const cell = (text: string): string =>
  html(String(text)).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, '\\`').replace(/\r?\n/g, '<br>');

/** A code span for any text: a longer backtick fence when it holds backticks; pipes escaped (it sits in tables). */
const code = (text: string): string => {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const body = text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return longest === 0 ? `${fence}${body}${fence}` : `${fence} ${body} ${fence}`;
};

/**
 * A description as a paragraph: Markdown stays Markdown, HTML is escaped, and
 * a line that would open a code fence or a heading is escaped so it cannot
 * swallow or restructure the rest of the document.
 */
const paragraph = (text: string): string =>
  html(String(text)).split(/\r?\n/).map((line) => line.replace(/^(\s*)(```|~~~|#)/, '$1\\$2')).join('\n');

/** GitHub's heading anchor for an event name (`address.create` → `addresscreate`). */
const anchor = (name: string): string => name.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

function deprecation(entry: CatalogEntry): string | undefined {
  if (entry.deprecated === undefined || entry.deprecated === false) return undefined;
  return entry.deprecated === true ? '**Deprecated.**' : `**Deprecated:** ${paragraph(entry.deprecated)}`;
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
    lines.push(`| [${code(entry.name)}](#${anchor(entry.name)}) | ${entry.version} | ${cell(summary)}${flag} |`);
  }

  for (const entry of entries) {
    lines.push('', `## ${code(entry.name)}`, '', `Version ${entry.version}.`, '');
    const deprecated = deprecation(entry);
    if (deprecated !== undefined) lines.push(deprecated, '');
    lines.push(paragraph(entry.description), '');
    const fields = schemaFields(entry.schema, entry.fields);
    if (fields.length === 0) {
      lines.push('_No documented fields._');
    } else {
      lines.push('| Field | Type | Required | Description |', '| --- | --- | --- | --- |');
      for (const field of fields) {
        lines.push(`| ${code(field.path)} | ${cell(field.type)} | ${field.required ? 'yes' : 'no'} | ${cell(field.description)} |`);
      }
    }
    // A fence longer than any backtick run in the schema, so a string in it cannot close the block.
    const schema = JSON.stringify(entry.schema, null, 2);
    const fence = '`'.repeat(Math.max(3, ...(schema.match(/`+/g) ?? []).map((run) => run.length + 1)));
    lines.push('', '<details><summary>JSON Schema</summary>', '', `${fence}json`, schema, fence, '', '</details>');
  }
  lines.push('');
  return lines.join('\n');
}
