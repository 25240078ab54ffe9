/**
 * The one glob dialect of eventtrack, for dotted event names (routes, counter
 * rules) and for URL paths (the request middleware's `skip`): the same rules
 * with `.` or `/` as the separator: a `**` segment matches zero or more
 * segments in both, so `a.**.z` matches `a.z` exactly as the path glob made
 * of `/a`, `**` and `/z` matches `/a/z`. (picomatch and `path.matchesGlob`
 * know only `/` as a separator; `path.matchesGlob` is not in Node 20.)
 *
 * Event names are dotted paths (`navigation.request`, `course.video.play`), so
 * a glob works on segments, like a path glob with `.` as the separator:
 *
 * | pattern      | matches                                   | does not match           |
 * | ------------ | ----------------------------------------- | ------------------------ |
 * | `nav.*`      | `nav.request`                             | `nav`, `nav.a.b`         |
 * | `*.error`    | `db.error`                                | `error`, `db.read.error` |
 * | `nav.**`     | `nav.request`, `nav.a.b` (one or more)    | `nav`                    |
 * | `**.error`   | `error`, `db.error`, `db.read.error`      | `db.errors`              |
 * | `a.**.z`     | `a.z`, `a.b.z`, `a.b.c.z` (zero or more)  | `a.bz`                   |
 * | `v?.play`    | `v1.play`                                 | `v10.play`, `v.play`     |
 * | `**`         | everything                                |                          |
 *
 * - `?` matches exactly one character other than `.`;
 * - `*` matches zero or more characters other than `.` (within one segment);
 * - `**` as a whole segment matches whole segments: zero or more at the start
 *   or in the middle, one or more at the end (as in `.gitignore`, `a.**` is
 *   what is *inside* `a`, not `a` itself);
 * - `**` inside a segment (`a**`) matches any characters, dots included;
 * - every other character matches itself (there are no classes or braces).
 *
 * With `/` as the separator (paths), read `/` for `.` above: `/static/**`
 * matches `/static/a.js` and `/static/a/b.css` (not `/static` itself), a
 * `**` segment between `/a` and `/b` matches `/a/b` and `/a/x/y/b`, `/*.ico`
 * matches `/favicon.ico` but not `/img/favicon.ico`.
 */

/** What separates the segments of what is matched: `.` in event names, `/` in URL paths. */
export type GlobSeparator = '.' | '/';

/** Whether `pattern` is a glob (contains `*` or `?`) rather than an exact name. */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

const REGEXP_SPECIAL = /[\\^$.|+()[\]{}]/g;

function segmentSource(segment: string, one: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '*') {
      if (segment[i + 1] === '*') {
        out += '.*';
        while (segment[i + 1] === '*') i++;
      } else {
        out += `${one}*`;
      }
    } else if (ch === '?') {
      out += one;
    } else {
      out += ch.replace(REGEXP_SPECIAL, '\\$&');
    }
  }
  return out;
}

/** The regular-expression source (unanchored) of one glob pattern. */
export function globSource(pattern: string, separator: GlobSeparator = '.'): string {
  const sep = separator === '.' ? '\\.' : '/';
  const one = separator === '.' ? '[^.]' : '[^/]';
  const segments = pattern.split(separator);
  const last = segments.length - 1;
  if (last === 0 && segments[0] === '**') return '.*';
  let out = '';
  // Whether the separator before the next segment was already written (by a leading `**.`).
  let separatorWritten = true;
  for (let i = 0; i <= last; i++) {
    const segment = segments[i]!;
    if (segment === '**') {
      if (i === 0) out += `(?:.*${sep})?`;
      else if (i === last) out += `${sep}.+`;
      else out += `(?:${sep}.*)?`;
      separatorWritten = i === 0;
      continue;
    }
    if (!separatorWritten) out += sep;
    out += segmentSource(segment, one);
    separatorWritten = false;
  }
  return out;
}

/** Compiles one glob to an anchored RegExp; `separator` is `.` for event names (default), `/` for paths. */
export function globToRegExp(pattern: string, separator: GlobSeparator = '.'): RegExp {
  return new RegExp(`^(?:${globSource(pattern, separator)})$`);
}
