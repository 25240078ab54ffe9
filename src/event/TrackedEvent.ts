/** A JSON primitive as stored in an event. */
export type JsonPrimitive = string | number | boolean | null;

/** Any value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = JsonPrimitive | JsonObject | JsonValue[];

/** A plain JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A context an integration builds itself: strings and finite numbers only.
 * Frozen, the tracker keeps it as it is (see `Tracker.contextFlat`).
 */
export type FlatContext = Readonly<Record<string, string | number>>;

/**
 * The structured event every backend receives.
 *
 * Events are immutable once built: `context` is a frozen snapshot shared by
 * every event emitted in the same context frame, and backends must not mutate
 * any part of an event (processors return a new object instead).
 */
export interface TrackedEvent {
  /** UUID v7: time-ordered, unique, monotonic within a millisecond in one process. */
  readonly id: string;
  /** The event name, e.g. `navigation.request`. */
  readonly name: string;
  /**
   * When the event was emitted (UTC; ISO-8601 in JSON). Events stamped in the
   * same millisecond share one `Date` (read-only, as the rest of the event).
   */
  readonly timestamp: Date;
  /** The merged context active when the event was emitted. */
  readonly context: Readonly<JsonObject>;
  /** The normalised payload passed to `emit`. */
  readonly data: Readonly<JsonObject>;
}
