// How keys of `context` and `data` are spelled in MongoDB; the rule is on escapeKey.

const ESCAPED = /~[tds0]/g;
const DECODED: Readonly<Record<string, string>> = { '~t': '~', '~d': '.', '~s': '$', '~0': '\0' };

/**
 * The key as stored in MongoDB.
 *
 * MongoDB-wire servers refuse a document with a key that starts with `$` or
 * contains `.` (FerretDB, and MongoDB before 5.0), and BSON cannot hold a NUL
 * in a key, so untrusted input (query strings, headers, JSON bodies) could
 * keep its events out of the store. Such keys are stored escaped, with `~` as
 * the escape character:
 *
 * | in the key                  | stored as |
 * |-----------------------------|-----------|
 * | `~` (anywhere)              | `~t`      |
 * | `.` (anywhere)              | `~d`      |
 * | `$` (first character only)  | `~s`      |
 * | NUL (anywhere)              | `~0`      |
 *
 * Every other key, including `$` inside a key, `__proto__`, the empty key and
 * any Unicode, is stored as it is (the same string is returned). The rule is
 * reversible: {@link decodeKey} of `escapeKey(k)` is `k` for every string.
 */
export function escapeKey(key: string): string {
  if (!needsEscape(key)) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === '~') out += '~t';
    else if (c === '.') out += '~d';
    else if (c === '\0') out += '~0';
    else if (c === '$' && i === 0) out += '~s';
    else out += c;
  }
  return out;
}

/** A scan of char codes: about ten times faster than a RegExp test on short keys, and every key of every stored event passes here. */
function needsEscape(key: string): boolean {
  if (key.charCodeAt(0) === 36) return true; // $
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 126 || c === 46 || c === 0) return true; // ~ . NUL
  }
  return false;
}

/**
 * The original key of a stored one: the inverse of {@link escapeKey}. A `~`
 * not followed by `t`, `d`, `s` or `0` (a key written by another tool) is
 * kept as it is; keys without `~` come back as the same string.
 */
export function decodeKey(stored: string): string {
  return stored.includes('~') ? stored.replace(ESCAPED, (escape) => DECODED[escape]!) : stored;
}

/**
 * A query path (`data.a.b`, split on dots) as stored: each key below the
 * section escaped. Inside a path, a key that contains a dot or starts with `$`
 * is written in its stored form (`data.utm~dsource` for the key `utm.source`,
 * `data.~swhere` for `$where`); a `~` that starts no escape is a plain `~`.
 * The section (`context` / `data`) and `name` stay as they are.
 */
export function storedPath(path: string): string {
  const segments = path.split('.');
  if (segments.length < 2) return path;
  let changed = false;
  for (let i = 1; i < segments.length; i++) {
    const stored = escapeKey(decodeKey(segments[i]!));
    if (stored !== segments[i]) {
      segments[i] = stored;
      changed = true;
    }
  }
  return changed ? segments.join('.') : path;
}
