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
 * Events are read-only. Wherever one is shared (two backends or more, a
 * processor, a `Router`) it is deeply frozen, and so is every event a
 * processor returns: the event object, `data` and `context` at every depth
 * (`context` is a snapshot shared by every event of the same context frame,
 * always frozen); the `timestamp` is a `Date` whose setters throw. No
 * processor or backend can change what another backend or route receives;
 * processors return a new object instead.
 */
export interface TrackedEvent {
  /** UUID v7: time-ordered, unique, monotonic within a millisecond in one process. */
  readonly id: string;
  /** The event name, e.g. `navigation.request`. */
  readonly name: string;
  /**
   * When the event was emitted (UTC; ISO-8601 in JSON), within years
   * 0000–9999. Events stamped in the same millisecond share one `Date`, whose
   * setters throw a `TypeError` (copy it with `new Date(event.timestamp)`).
   */
  readonly timestamp: Date;
  /** The merged context active when the event was emitted. */
  readonly context: Readonly<JsonObject>;
  /** The normalised payload passed to `emit`. */
  readonly data: Readonly<JsonObject>;
}
