/**
 * A refusal of the service: an HTTP status and a stable machine-readable
 * `code` (the JSON error body is `{ error: { code, message } }`). Codes are
 * part of the contract: clients branch on them, so they never change.
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** Seconds, sent as `Retry-After` (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(statusCode: number, code: string, message: string, options: { retryAfter?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.retryAfter = options.retryAfter;
  }
}

/** Every error code the service answers with, and its status. */
export const ERROR_CODES = Object.freeze({
  'missing-key': 401,
  'invalid-key': 401,
  'forbidden': 403,
  'not-found': 404,
  'not-configured': 404,
  'body-too-large': 413,
  'too-many-events': 413,
  'unsupported-media-type': 415,
  'unsupported-encoding': 415,
  'rate-limited': 429,
  'invalid-body': 400,
  'invalid-json': 400,
  'invalid-utf8': 400,
  'invalid-query': 400,
  'no-events': 400,
  'overloaded': 503,
  'shutting-down': 503,
  'not-ready': 503,
  'internal': 500,
} as const);

/** A stable error code (see {@link ERROR_CODES}). */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An {@link HttpError} whose status follows from its code. */
export function httpError(code: ErrorCode, message: string, options: { retryAfter?: number; cause?: unknown } = {}): HttpError {
  return new HttpError(ERROR_CODES[code], code, message, options);
}
