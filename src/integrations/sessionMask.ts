import type { JsonObject, JsonValue } from '../event/TrackedEvent.js';
import { MASKED } from './mask.js';

/** Replaces every occurrence of the request's raw session id in a text by {@link MASKED}. */
export type SessionScrubber = (text: string) => string;

/**
 * Shortest session id replaced where it appears inside a longer text; a
 * shorter one is masked only where a whole value equals it (replacing every
 * "42" in a path would mangle it, and such an id is no secret anyway).
 */
export const MIN_SCRUBBED_SESSION_LENGTH = 8;

/**
 * A scrubber for one request's raw session id, or `undefined` when there is
 * none. It matches the id as read and its percent-encoded form (as it appears
 * in a URL or a referer).
 */
export function sessionScrubber(session: string | null | undefined): SessionScrubber | undefined {
  if (typeof session !== 'string' || session === '') return undefined;
  const forms = [...new Set([session, encodeURIComponent(session)])].sort((a, b) => b.length - a.length);
  if (session.length < MIN_SCRUBBED_SESSION_LENGTH) return (text) => (forms.includes(text) ? MASKED : text);
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(MASKED);
    return out;
  };
}

/** A copy of a flat record with every string value scrubbed (arrays of strings too). */
export function scrubRecord(record: JsonObject, scrub: SessionScrubber): JsonObject {
  const scrubValue = (value: JsonValue): JsonValue =>
    typeof value === 'string' ? scrub(value) : Array.isArray(value) ? value.map(scrubValue) : value;
  return Object.fromEntries(Object.keys(record).map((key) => [key, scrubValue(record[key] as JsonValue)]));
}
