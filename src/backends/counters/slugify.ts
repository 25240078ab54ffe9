import { MAX_NAME_LENGTH as MAX_SLUG_LENGTH } from '../../metrics/names.js';

// What a metric slug may not contain (see src/metrics/names.ts): control
// characters, and `{ } * ? [ ] \`, which would break Redis Cluster hash tags
// and SCAN patterns.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f{}*?[\]\\]/g;

/** Characters kept before the hash when a name is too long for a slug. */
const KEPT = MAX_SLUG_LENGTH - 9;

/** FNV-1a (32 bits) over UTF-16 code units, as 8 hex digits: a short, stable fingerprint. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Maps any text (an event name, a rendered slug template) to a valid metric
 * slug, deterministically:
 *
 * - each character a slug may not contain — a control character or one of
 *   `{ } * ? [ ] \` — becomes `_` (`'cart{v2}.add'` → `'cart_v2_.add'`);
 * - text longer than 200 characters keeps its first 191 characters and ends
 *   with `~` and an 8-hex-digit FNV-1a hash of the whole text, so long names
 *   that share a beginning stay distinct;
 * - everything else is kept as is (dots, dashes, colons, spaces, Unicode).
 *
 * Valid slugs map to themselves, so most event names are their own slug.
 * Two names that differ only in forbidden characters share a slug.
 */
export function slugify(text: string): string {
  const clean = text.replace(FORBIDDEN, '_');
  return clean.length <= MAX_SLUG_LENGTH ? clean : `${clean.slice(0, KEPT)}~${fingerprint(text)}`;
}
