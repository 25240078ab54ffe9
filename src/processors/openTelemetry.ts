import { createRequire } from 'node:module';
import type { TrackedEvent } from '../event/TrackedEvent.js';
import type { Processor } from '../tracker/Processor.js';
import { ConfigurationError } from '../errors.js';
import { withSections } from './paths.js';

/** The part of `@opentelemetry/api` this processor uses (typed here so the package stays optional). */
export interface OpenTelemetryApi {
  trace: { getActiveSpan(): { spanContext(): { traceId: string; spanId: string } } | undefined };
  isSpanContextValid(spanContext: { traceId: string; spanId: string }): boolean;
}

/** Options of {@link openTelemetry}. */
export interface OpenTelemetryOptions {
  /** Context key of the active trace id (32 hex digits). Default: `'trace_id'`. */
  traceIdKey?: string;
  /** Context key of the active span id (16 hex digits). Default: `'span_id'`. */
  spanIdKey?: string;
  /**
   * Loads the API; returns `undefined` (or throws) when it is not installed.
   * Default: `require('@opentelemetry/api')` resolved from eventtrack, tried once per process.
   */
  load?: () => OpenTelemetryApi | undefined;
}

/** Defaults of {@link OpenTelemetryOptions}. */
export const DEFAULT_OPEN_TELEMETRY_OPTIONS = Object.freeze({
  traceIdKey: 'trace_id',
  spanIdKey: 'span_id',
  load: loadInstalledApi,
});

// `undefined`: not tried yet; `null`: tried, not installed.
let installedApi: OpenTelemetryApi | null | undefined;

function loadInstalledApi(): OpenTelemetryApi | undefined {
  if (installedApi === undefined) {
    try {
      // Synchronous on purpose: the tracker's processors are known at construction.
      // The API keeps its state on a global symbol, so this CommonJS copy sees the spans
      // the application created through the ESM build.
      installedApi = createRequire(import.meta.url)('@opentelemetry/api') as OpenTelemetryApi;
    } catch {
      installedApi = null;
    }
  }
  return installedApi ?? undefined;
}

/**
 * Correlates events with traces: when `@opentelemetry/api` is installed and a
 * valid span is active where `emit` is called, `trace_id` and `span_id` are
 * added to the event context.
 *
 * Returns `undefined` when the API is not installed, so there is no cost at
 * all: `processors` lists skip `undefined` entries. Use it as a *tracker*
 * processor — those run inside `emit`, where the caller's span is active;
 * route processors run later, at delivery, outside it.
 *
 * `@opentelemetry/api` is an optional peer dependency (any 1.x).
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Processor | undefined {
  const { traceIdKey, spanIdKey, load } = { ...DEFAULT_OPEN_TELEMETRY_OPTIONS, ...options };
  for (const [option, key] of [['traceIdKey', traceIdKey], ['spanIdKey', spanIdKey]] as const) {
    if (typeof key !== 'string' || key === '') throw new ConfigurationError(option, 'expected a non-empty context key');
  }
  let api: OpenTelemetryApi | undefined;
  try {
    api = load();
  } catch {
    api = undefined;
  }
  if (api === undefined || typeof api.trace?.getActiveSpan !== 'function') return undefined;
  const { trace, isSpanContextValid } = api;

  return (event: TrackedEvent) => {
    const span = trace.getActiveSpan();
    if (span === undefined) return undefined;
    const { traceId, spanId } = span.spanContext();
    if (!isSpanContextValid({ traceId, spanId })) return undefined;
    if (event.context[traceIdKey] === traceId && event.context[spanIdKey] === spanId) return undefined;
    return withSections(event, { context: { ...event.context, [traceIdKey]: traceId, [spanIdKey]: spanId } });
  };
}
