import { BackendError, type EventTrackError, MiddlewareError, ValidationError } from '../errors.js';
import { messageOf } from '../delivery/messageOf.js';
import type { DropNotice } from './TrackerEvents.js';

/** The `type` of every process warning eventtrack emits. */
export const WARNING_TYPE = 'EventTrackWarning';

/**
 * The `code` of each kind of process warning: a drop, a backend failure, an
 * event the catalog flagged (its `warn` policy, or `reject` with nobody
 * listening), any other reported failure.
 */
export const WARNING_CODES = Object.freeze({
  drop: 'EVENTTRACK_DROP',
  backend: 'EVENTTRACK_BACKEND_ERROR',
  catalog: 'EVENTTRACK_CATALOG',
  error: 'EVENTTRACK_ERROR',
});

/** Distinct kinds warned about per tracker; past it, failures are only counted (hostile input must not grow memory). */
const MAX_KINDS = 256;

const SILENCE = "Listen to the tracker's 'error' and 'drop' events, or create it with `warnings: false`, to handle these yourself; further failures of this kind are counted in tracker.stats() without a warning.";

/**
 * Failures nobody listens to, said once per kind through
 * `process.emitWarning` (Node's channel for library warnings, printed to
 * stderr by default, `--no-warnings` hides them), so that a dead backend
 * with no `error` listener is not silent. A kind is the warning code with
 * what distinguishes one failure from another: the backend and drop reason,
 * the backend and operation, the catalog reason and event name, the error
 * class and code.
 */
export class FailureWarnings {
  private readonly warned = new Set<string>();

  constructor(private readonly enabled: boolean) {}

  /** A drop nobody listened to. Drops by a processor (`null`: filtering, sampling) are not failures. */
  drop(notice: DropNotice): void {
    if (!this.enabled || notice.reason === 'processor') return;
    const where = notice.backend === undefined ? '' : ` by backend "${notice.backend}"`;
    const cause = notice.cause === undefined ? '' : `: ${messageOf(notice.cause)}`;
    this.warn(WARNING_CODES.drop, `drop:${notice.reason}:${notice.backend ?? ''}`, `eventtrack: ${notice.count} event(s) dropped${where} (${notice.reason})${cause}`);
  }

  /** A reported failure nobody listened to. */
  error(error: EventTrackError): void {
    if (!this.enabled) return;
    if (error instanceof BackendError) {
      this.warn(WARNING_CODES.backend, `backend:${error.backend}:${error.operation}`, `eventtrack: ${error.message}`);
    } else {
      const detail = error instanceof MiddlewareError ? error.option : error instanceof ValidationError ? error.reason : '';
      this.warn(WARNING_CODES.error, `error:${error.name}:${error.code}:${detail}`, `eventtrack: ${error.message}`);
    }
  }

  /** An event the catalog flagged (`warn` policy, or `reject` with nobody listening): once per reason and event name. */
  catalog(error: ValidationError, name: string): void {
    if (this.enabled) this.warn(WARNING_CODES.catalog, `catalog:${error.reason}:${name}`, `eventtrack: ${error.message}`);
  }

  private warn(code: string, kind: string, message: string): void {
    if (this.warned.has(kind) || this.warned.size >= MAX_KINDS) return;
    this.warned.add(kind);
    try {
      process.emitWarning(message, { type: WARNING_TYPE, code, detail: SILENCE });
    } catch {
      // A throwing 'warning' listener (or --throw-deprecation-like flags) must not break emit or delivery.
    }
  }
}
