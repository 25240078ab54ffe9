import { checkInteger } from '../config/checkInteger.js';
import { ConfigurationError, MiddlewareError } from '../errors.js';
import { compileTrustProxy, type ProxyHeader, type ProxyTrust } from './clientIp.js';
import { compileMask, type FieldMask } from './mask.js';
import {
  DEFAULT_REQUEST_EVENT_OPTIONS,
  DEFAULT_REQUEST_TRACKING_OPTIONS,
  type RequestEventOptions,
  type RequestTrackingOptions,
} from './options.js';
import type { RequestTracker } from './RequestTracker.js';
import { createSessionHasher, type SessionHasher } from './sessionHash.js';
import { compileSkip, type SkipMatcher } from './skip.js';

/** The request event options, checked and compiled. */
export interface ResolvedRequestEvent {
  readonly name: string;
  readonly mask: FieldMask;
  readonly query: boolean;
  /** Lower-cased header names. */
  readonly headers: readonly string[];
}

/** {@link RequestTrackingOptions} checked once and compiled into what each request uses. */
export interface ResolvedRequestTracking<Req> {
  readonly contextName: string;
  readonly userId: ((req: Req) => unknown) | undefined;
  readonly sessionId: ((req: Req) => string | null | undefined) | undefined;
  readonly sessionCookie: string;
  readonly hashSession: SessionHasher | undefined;
  /** Lower-cased, or `undefined` to always generate. */
  readonly requestIdHeader: string | undefined;
  readonly maxRequestIdLength: number;
  readonly trust: ProxyTrust | undefined;
  readonly proxyHeader: ProxyHeader;
  readonly maxValueLength: number;
  readonly context: ((req: Req) => Record<string, unknown> | null | undefined) | undefined;
  readonly skip: SkipMatcher<Req> | undefined;
  readonly skipEventOnly: boolean;
  readonly event: ResolvedRequestEvent | undefined;
  /** Reports a failed callback; never throws. */
  readonly report: (option: string, error: unknown) => void;
}

function positiveInteger(option: string, value: number): number {
  return checkInteger(option, value, { min: 1 });
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ConfigurationError(option, 'must be a non-empty string.');
  return value;
}

function optionalFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigurationError(option, 'must be a function.');
  return value;
}

function resolveEvent(option: boolean | RequestEventOptions | undefined, alsoMasked: readonly string[]): ResolvedRequestEvent | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) {
    throw new ConfigurationError('requestEvent', 'must be a boolean or an object { name, mask, query, headers }.');
  }
  const given = option === true ? {} : option;
  const headers = given.headers ?? DEFAULT_REQUEST_EVENT_OPTIONS.headers;
  if (!Array.isArray(headers)) throw new ConfigurationError('requestEvent.headers', 'must be an array of header names.');
  const query = given.query ?? DEFAULT_REQUEST_EVENT_OPTIONS.query;
  if (typeof query !== 'boolean') throw new ConfigurationError('requestEvent.query', 'must be true or false.');
  return {
    name: nonEmptyString('requestEvent.name', given.name ?? DEFAULT_REQUEST_EVENT_OPTIONS.name),
    mask: compileMask([...(given.mask ?? DEFAULT_REQUEST_EVENT_OPTIONS.mask), ...alsoMasked]),
    query,
    headers: headers.map((name: unknown) => nonEmptyString('requestEvent.headers', name).toLowerCase()),
  };
}

function reporter(tracker: RequestTracker, onError: ((error: unknown) => void) | undefined): (option: string, error: unknown) => void {
  return (option, error) => {
    try {
      const wrapped = new MiddlewareError(option, error);
      if (onError !== undefined) onError(wrapped);
      else tracker.reportError?.(wrapped);
    } catch {
      // An error handler that throws has nowhere left to report to; the request must go on.
    }
  };
}

/** Validates `options` (throwing {@link ConfigurationError} naming the option) and compiles them. */
export function resolveRequestTracking<Req>(tracker: RequestTracker, options: RequestTrackingOptions<Req> = {}): ResolvedRequestTracking<Req> {
  if (tracker === null || typeof tracker !== 'object' || typeof tracker.emit !== 'function' || typeof tracker.context !== 'function') {
    throw new ConfigurationError('tracker', 'must be a tracker (from createTracker) with emit() and context().');
  }
  const d = DEFAULT_REQUEST_TRACKING_OPTIONS;
  const requestIdHeader = options.requestIdHeader ?? d.requestIdHeader;
  const proxyHeader = options.proxyHeader ?? d.proxyHeader;
  if (proxyHeader !== 'x-forwarded-for' && proxyHeader !== 'forwarded') {
    throw new ConfigurationError('proxyHeader', "must be 'x-forwarded-for' or 'forwarded'.");
  }
  const skip = options.skip ?? d.skip;
  const skipEventOnly = options.skipEventOnly ?? d.skipEventOnly;
  if (typeof skipEventOnly !== 'boolean') throw new ConfigurationError('skipEventOnly', 'must be true or false.');
  const sessionCookie = nonEmptyString('sessionCookie', options.sessionCookie ?? d.sessionCookie);
  const hashSession = options.sessionSecret === undefined ? undefined : createSessionHasher(options.sessionSecret);
  if (!Array.isArray(skip)) throw new ConfigurationError('skip', 'must be an array of strings, RegExps or functions.');
  return {
    contextName: nonEmptyString('contextName', options.contextName ?? d.contextName),
    userId: optionalFunction('userId', options.userId),
    sessionId: optionalFunction('sessionId', options.sessionId),
    sessionCookie,
    hashSession,
    requestIdHeader: requestIdHeader === false ? undefined : nonEmptyString('requestIdHeader', requestIdHeader).toLowerCase(),
    maxRequestIdLength: positiveInteger('maxRequestIdLength', options.maxRequestIdLength ?? d.maxRequestIdLength),
    trust: compileTrustProxy(options.trustProxy ?? d.trustProxy),
    proxyHeader,
    maxValueLength: positiveInteger('maxValueLength', options.maxValueLength ?? d.maxValueLength),
    context: optionalFunction('context', options.context),
    skip: compileSkip(skip),
    skipEventOnly,
    // With a session secret, a query parameter named like the session cookie carries the raw id.
    event: resolveEvent(options.requestEvent ?? d.requestEvent, hashSession === undefined ? [] : [sessionCookie]),
    report: reporter(tracker, optionalFunction('onError', options.onError)),
  };
}
