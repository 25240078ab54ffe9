/**
 * Every error eventtrack raises or reports is an {@link EventTrackError}; the
 * original failure, when there is one, is kept as `cause`.
 */
export class EventTrackError extends Error {
  /** A stable machine-readable code, e.g. `ERR_EVENTTRACK_CONFIGURATION`. */
  readonly code: string;

  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'ERR_EVENTTRACK';
  }
}

/** A bad option. The message names the option and what it accepts. */
export class ConfigurationError extends EventTrackError {
  /** The option at fault, as a dotted path (`delivery.batchSize`). */
  readonly option: string;

  constructor(option: string, message: string, options: { cause?: unknown } = {}) {
    super(`Invalid option \`${option}\`: ${message}`, { ...options, code: 'ERR_EVENTTRACK_CONFIGURATION' });
    this.option = option;
  }
}

/**
 * An event that was rejected: invalid name, oversized, or (with `strict: true`)
 * a value that had to be converted to be JSON-safe. Reported through the
 * tracker's `error` event, or thrown from `emit` when `strict` is on.
 */
export class ValidationError extends EventTrackError {
  /** Why the event was rejected; also the drop reason counted in stats. */
  readonly reason: string;
  /** The path of the offending value inside the event, when there is one. */
  readonly path: string | undefined;

  constructor(reason: string, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, { code: 'ERR_EVENTTRACK_VALIDATION', ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.reason = reason;
    this.path = options.path;
  }
}

/** A backend's `send`, `flush` or `close` failed or timed out. */
export class BackendError extends EventTrackError {
  /** The name the backend was registered under. */
  readonly backend: string;
  /** Which call failed. */
  readonly operation: 'send' | 'flush' | 'close';
  /** How many events the failed call carried (0 for flush/close). */
  readonly eventCount: number;
  /** 1 for the first try of a batch, 2 for its first retry, … */
  readonly attempt: number;

  constructor(
    backend: string,
    operation: 'send' | 'flush' | 'close',
    message: string,
    options: { cause?: unknown; eventCount?: number; attempt?: number } = {},
  ) {
    super(`Backend "${backend}" ${operation} failed: ${message}`, {
      code: 'ERR_EVENTTRACK_BACKEND',
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.backend = backend;
    this.operation = operation;
    this.eventCount = options.eventCount ?? 0;
    this.attempt = options.attempt ?? 1;
  }
}

/** One event of a batch that a backend could not write. */
export interface EventFailure {
  /** Index of the event in the batch passed to `send`. */
  readonly index: number;
  /** What went wrong for this event. */
  readonly error: unknown;
  /** `false` when retrying cannot help (a document the server rejects): the event is dropped at once. */
  readonly retryable: boolean;
}

/**
 * Thrown by a backend whose batch was written except for some events. The
 * delivery layer counts the others as sent, retries the retryable failures and
 * drops the rest with reason `rejected`, so one bad event never fails its batch.
 */
export class PartialDeliveryError extends EventTrackError {
  readonly failures: readonly EventFailure[];

  constructor(failures: readonly EventFailure[], message?: string) {
    super(message ?? `${failures.length} event(s) of the batch failed`, { code: 'ERR_EVENTTRACK_PARTIAL_DELIVERY' });
    this.failures = failures;
  }
}

/** `getTracker(name)` found no tracker registered under that name. */
export class TrackerNotFoundError extends EventTrackError {
  readonly trackerName: string;

  constructor(name: string, known: readonly string[]) {
    super(
      `No tracker is registered as "${name}". Call registerTracker(tracker, ${JSON.stringify(name)}) first` +
        (known.length > 0 ? ` (registered: ${known.map((n) => `"${n}"`).join(', ')}).` : ' (none is registered).'),
      { code: 'ERR_EVENTTRACK_TRACKER_NOT_FOUND' },
    );
    this.trackerName = name;
  }
}

/** An operation did not finish within its deadline. */
export class TimeoutError extends EventTrackError {
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(`${what} did not finish within ${timeoutMs} ms`, { code: 'ERR_EVENTTRACK_TIMEOUT' });
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A callback given to the request middleware (`userId`, `sessionId`, `skip`,
 * `trustProxy`, a route reader) threw, or the tracker refused the request
 * context or event. The request went on without what failed; the error is
 * reported, never thrown into the app.
 */
export class MiddlewareError extends EventTrackError {
  /** The option or step that failed, e.g. `userId`, `context`, `requestEvent`. */
  readonly option: string;

  constructor(option: string, cause: unknown) {
    super(`Request middleware: \`${option}\` failed (${cause instanceof Error ? cause.message : String(cause)}); the request went on without it.`, {
      cause,
      code: 'ERR_EVENTTRACK_MIDDLEWARE',
    });
    this.option = option;
  }
}

/** A query argument (`where`, `groupBy`, a cursor, a date) that cannot be used; the message names it. */
export class QueryError extends EventTrackError {
  /** The argument at fault, e.g. `where["context.$gt"]`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`Invalid query argument \`${field}\`: ${message}`, { code: 'ERR_EVENTTRACK_QUERY' });
    this.field = field;
  }
}

/**
 * A counter store could not apply or answer a metrics operation. Failed
 * flushes are kept and retried (`attempt` says which try this was); reported
 * through the `error` event of `Metrics` and thrown from `metrics.flush()`.
 */
export class CounterStoreError extends EventTrackError {
  /** What failed. */
  readonly operation: 'write' | 'read' | 'delete' | 'close';
  /** 1 for the first try of a flush batch, 2 for its first retry, … (1 for reads). */
  readonly attempt: number;
  /** Coalesced writes the failed batch carried (0 for reads). */
  readonly writes: number;

  constructor(
    operation: 'write' | 'read' | 'delete' | 'close',
    message: string,
    options: { cause?: unknown; attempt?: number; writes?: number } = {},
  ) {
    super(`Counter store ${operation} failed: ${message}`, {
      code: 'ERR_EVENTTRACK_COUNTER_STORE',
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.operation = operation;
    this.attempt = options.attempt ?? 1;
    this.writes = options.writes ?? 0;
  }
}

/**
 * A spill folder is already in use by another live process (or by another
 * spill of this process): two writers would corrupt each other's segments.
 * Give each process its own `delivery.spill.dir`.
 */
export class SpillLockedError extends ConfigurationError {
  /** The spill folder that is locked (`<dir>/<backend>`). */
  readonly dir: string;
  /** The process id written in the lock file by its holder. */
  readonly pid: number;

  constructor(option: string, dir: string, pid: number, holder: string) {
    super(
      option,
      `the spill folder "${dir}" is locked by ${holder} (pid ${pid}); each process needs its own spill folder. ` +
        `If that process is gone, delete "${dir}/lock".`,
    );
    this.dir = dir;
    this.pid = pid;
  }
}

/**
 * A forwarding backend's HTTP request got an answer other than 2xx.
 * `retryable` is `false` for answers a retry cannot change (400, 401, 403,
 * 413, …): the delivery layer drops those events as `rejected` at once; 408,
 * 429 and 5xx are retried, no sooner than `retryAfterMs` (the server's
 * `Retry-After`) when the server sent one.
 */
export class HttpStatusError extends EventTrackError {
  /** The HTTP status code. */
  readonly status: number;
  /** Whether retrying the same request may succeed. */
  readonly retryable: boolean;
  /** The server's `Retry-After`, in ms (0 when it sent none). */
  readonly retryAfterMs: number;
  /** The start of the response body (at most 1 MB), for the report. */
  readonly body: string;

  constructor(status: number, body: string, options: { retryAfterMs?: number; url?: string } = {}) {
    const retryable = status === 408 || status === 429 || status >= 500;
    super(`${options.url ?? 'the server'} answered ${status}${body === '' ? '' : `: ${body.slice(0, 500)}`}`, { code: 'ERR_EVENTTRACK_HTTP_STATUS' });
    this.status = status;
    this.retryable = retryable;
    this.retryAfterMs = options.retryAfterMs ?? 0;
    this.body = body;
  }
}
