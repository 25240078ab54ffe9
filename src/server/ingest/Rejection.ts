/**
 * One event of a batch the service did not accept. `reason` is stable:
 * `invalid-shape` (not an event object, or unknown fields), `invalid-name`,
 * `invalid-data`, `invalid-context`, `invalid-id`, `invalid-timestamp`,
 * `forbidden-key` (a `__proto__` key), `too-deep`, `invalid-json` and
 * `invalid-utf8` (NDJSON lines), and the tracker's own: `oversized`,
 * `undefined-event`, `invalid-event` (catalog policy).
 */
export interface Rejection {
  /** Position of the event in the request (NDJSON: among non-blank lines). */
  index: number;
  reason: string;
  message: string;
}
