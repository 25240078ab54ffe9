/**
 * JSON text as Python's `json.dumps(value)` writes it with its defaults, the
 * way edX's logger backend writes tracking-log lines: `", "` between items,
 * `": "` after keys, every non-ASCII character escaped as `\uXXXX`
 * (`ensure_ascii`). Numbers are written as JavaScript writes them (Python
 * writes `1.0` for a float that JavaScript holds as `1`). Like
 * `JSON.stringify`, `undefined` and functions are left out of objects and
 * become `null` in arrays; a value with `toJSON` is replaced by its result.
 *
 * @throws TypeError for a cycle or a BigInt, as `JSON.stringify` does; and when `value` itself is not a JSON value.
 */
export function pythonJson(value: unknown): string {
  const text = write(value, new Set());
  if (text === undefined) throw new TypeError(`${typeof value} is not a JSON value`);
  return text;
}

// Every character JSON.stringify leaves unescaped above U+007F, plus the characters it escapes.
const NEEDS_ESCAPE = /[^\x20-\x7e]|["\\]/;

function writeString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e) {
      out += code === 0x22 ? '\\"' : code === 0x5c ? '\\\\' : text[i];
      continue;
    }
    switch (code) {
      case 0x08: out += '\\b'; break;
      case 0x09: out += '\\t'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0d: out += '\\r'; break;
      default: out += `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}"`;
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string': return writeString(value);
    case 'number': return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': throw new TypeError('a BigInt is not a JSON value');
    case 'undefined': case 'function': case 'symbol': return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError('a cycle is not a JSON value');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) return `[${object.map((item) => write(item, ancestors) ?? 'null').join(', ')}]`;
    const parts: string[] = [];
    for (const key of Object.keys(object)) {
      const text = write((object as Record<string, unknown>)[key], ancestors);
      if (text !== undefined) parts.push(`${writeString(key)}: ${text}`);
    }
    return `{${parts.join(', ')}}`;
  } finally {
    ancestors.delete(object);
  }
}
