// Every public export, by name. Internal modules never import from here.

// ── errors
export {
  EventTrackError,
  ConfigurationError,
  ValidationError,
  BackendError,
  PartialDeliveryError,
  TrackerNotFoundError,
  TimeoutError,
} from './errors.js';
export type { EventFailure } from './errors.js';

// ── events
export type { TrackedEvent, JsonValue, JsonObject, JsonPrimitive, FlatContext } from './event/TrackedEvent.js';

// ── backends (core)
export { toBackend } from './backends/Backend.js';
export type { Backend, BackendFunction, BackendLike } from './backends/Backend.js';

// ── tracker and context (core)
export { Tracker } from './tracker/Tracker.js';
export type { EmitOptions } from './tracker/Tracker.js';
export { createTracker } from './tracker/createTracker.js';
export { registerTracker, getTracker, unregisterTracker, DEFAULT_TRACKER_NAME } from './tracker/registry.js';
export { DEFAULT_TRACKER_OPTIONS } from './tracker/TrackerOptions.js';
export type { TrackerOptions, BackendRegistration } from './tracker/TrackerOptions.js';
export type { DropNotice, FlushReport, TrackerStats, TrackerEventTypes } from './tracker/TrackerEvents.js';
export type { BackendFlushReport } from './tracker/TrackerEvents.js';
export { runProcessors } from './tracker/Processor.js';
export type { Processor } from './tracker/Processor.js';
export { AsyncContextStore } from './context/AsyncContextStore.js';
export type { ContextStore } from './context/ContextStore.js';
export type { ContextFrame } from './context/ContextFrame.js';
export { bindEmitter } from './context/bindEmitter.js';
export type { EmitterLike, Listener } from './context/bindEmitter.js';
export { Normalizer, MAX_DEPTH } from './event/normalize.js';
export { newEventId } from './event/ids.js';
export { checkEventName, MAX_NAME_LENGTH } from './event/validateName.js';
export { DEFAULT_DELIVERY_OPTIONS } from './delivery/DeliveryOptions.js';
export type { DeliveryOptions, OverflowPolicy, SpillConfig } from './delivery/DeliveryOptions.js';
export type { BackendStats, DropReason, SpillStats } from './delivery/DeliveryStats.js';
export { MemoryBackend, DEFAULT_MEMORY_BACKEND_OPTIONS } from './backends/memory/MemoryBackend.js';
export type { MemoryBackendOptions } from './backends/memory/MemoryBackend.js';
export { LoggerBackend, DEFAULT_LOGGER_BACKEND_OPTIONS } from './backends/logger/LoggerBackend.js';
export type { LoggerBackendOptions, PinoLikeLogger, LoggerFormat } from './backends/logger/LoggerBackend.js';
export { serializeEvent } from './backends/logger/serializeEvent.js';

// ── mongodb (issue 4)
export { QueryError } from './errors.js';
export { MongoBackend } from './backends/mongodb/MongoBackend.js';
export { DEFAULT_MONGO_BACKEND_OPTIONS } from './backends/mongodb/MongoBackendOptions.js';
export type { MongoBackendOptions } from './backends/mongodb/MongoBackendOptions.js';
export { DEFAULT_MONGO_DB, DEFAULT_MONGO_COLLECTION } from './backends/mongodb/MongoConnectionOptions.js';
export type { MongoConnectionOptions } from './backends/mongodb/MongoConnectionOptions.js';
export type { IndexReport } from './backends/mongodb/indexes.js';
export type { EventDocument } from './backends/mongodb/toDocument.js';
export { MongoEventStore, DEFAULT_MONGO_EVENT_STORE_OPTIONS } from './backends/mongodb/MongoEventStore.js';
export type { MongoEventStoreOptions, FindEventsQuery, EventPage } from './backends/mongodb/MongoEventStore.js';
export type { EventQuery, WhereValue } from './backends/mongodb/EventQuery.js';
export { eventCursor } from './backends/mongodb/cursorToken.js';
export type { EventSort } from './backends/mongodb/cursorToken.js';
export { ROLLUP_MODES } from './backends/mongodb/rollup.js';
export type { RollupQuery, RollupRow, RollupMode } from './backends/mongodb/rollup.js';
export { ROLLUP_GRANULARITIES } from './backends/mongodb/timeBuckets.js';
export type { RollupGranularity } from './backends/mongodb/timeBuckets.js';
export type { MongoClientLike } from './backends/mongodb/driver.js';
export type { WriteConcernSettings } from './backends/mongodb/MongoBackendOptions.js';
export { DEFAULT_MONGO_IDLE_CLOSE_MS } from './backends/mongodb/MongoConnectionOptions.js';
export { DEFAULT_MONGO_CLOSE_TIMEOUT_MS } from './backends/mongodb/MongoConnection.js';

// ── metrics and counters (issue 3)
export { Metrics } from './metrics/Metrics.js';
export type { MetricsEvents, MetricsStats } from './metrics/Metrics.js';
export { DEFAULT_METRICS_OPTIONS } from './metrics/MetricsOptions.js';
export type { MetricsOptions, MetricsRetryOptions } from './metrics/MetricsOptions.js';
export { GRANULARITIES } from './time/granularity.js';
export type { Granularity } from './time/granularity.js';
export type { WeekStart } from './time/Calendar.js';
export { DEFAULT_RETENTION } from './metrics/retention.js';
export type { Retention } from './metrics/retention.js';
export type { MetricsDropReason } from './metrics/BatchQueue.js';
export type { CounterStore, WriteBatch, WriteOp, WriteResult, HashRead, KeyExpiry } from './metrics/CounterStore.js';
export { MemoryCounterStore, DEFAULT_MEMORY_COUNTER_STORE_OPTIONS } from './metrics/memory/MemoryCounterStore.js';
export type { MemoryCounterStoreOptions } from './metrics/memory/MemoryCounterStore.js';
export { RedisCounterStore } from './metrics/redis/RedisCounterStore.js';
export { DEFAULT_REDIS_COUNTER_STORE_OPTIONS } from './metrics/redis/RedisCounterStoreOptions.js';
export type { RedisCounterStoreOptions, ClusterNodeAddress } from './metrics/redis/RedisCounterStoreOptions.js';
export { DEFAULT_REDIS_CLOSE_TIMEOUT_MS } from './metrics/redis/RedisCounterStoreOptions.js';
export type { RedisClientLike } from './metrics/redis/driver.js';
export { DEFAULT_METRICS_CLOSE_TIMEOUT_MS } from './metrics/Metrics.js';
export { CounterStoreError } from './errors.js';
export type {
  TimeInput,
  MetricOptions,
  RecordMetricsOptions,
  UniqueOptions,
  RangeOptions,
  UniqueRangeOptions,
  Bucket,
  MetricValues,
  SlugValues,
  MetricSeries,
  MetricHistory,
  AggregateHistory,
  EntityGranularity,
  EntityRangeOptions,
  EntityMetricsOptions,
  TrackMetricOptions,
  EntityMetricPair,
  EntitySeries,
  CountOptions,
  SetMetricByDayOptions,
} from './metrics/types.js';
export { UNCATEGORIZED } from './metrics/Registries.js';
export type { TimingOptions, TimingHistoryOptions, TimingHistory, TimingSeries, TimingSummaryOptions, TimingSummary } from './metrics/types.js';
export { DEFAULT_TIMING_PERCENTILES } from './metrics/timing/TimingReads.js';
export { CounterBackend } from './backends/counters/CounterBackend.js';
export { DEFAULT_COUNTER_BACKEND_OPTIONS } from './backends/counters/CounterBackendOptions.js';
export type { CounterBackendOptions } from './backends/counters/CounterBackendOptions.js';
export type { CounterRule, CounterOutputs } from './backends/counters/CounterRule.js';
export type { NameSource } from './backends/counters/NameTemplate.js';
export type { CounterSkip, CounterSkipReason, CounterOutput, CounterBackendStats } from './backends/counters/CounterSkip.js';
export { slugify } from './backends/counters/slugify.js';

// ── integrations (issue 5)
export { MiddlewareError } from './errors.js';
export { wrapHttpHandler } from './integrations/http.js';
export { expressMiddleware } from './integrations/express.js';
export type { ExpressRequestLike } from './integrations/express.js';
export { fastifyPlugin } from './integrations/fastify.js';
export type { FastifyTrackingOptions, FastifyRequestLike, FastifyInstanceLike, Done as FastifyDone } from './integrations/fastify.js';
export { koaMiddleware } from './integrations/koa.js';
export type { KoaContextLike } from './integrations/koa.js';
export { DEFAULT_REQUEST_TRACKING_OPTIONS, DEFAULT_REQUEST_EVENT_OPTIONS, DEFAULT_MASKED_FIELDS } from './integrations/options.js';
export type { RequestTrackingOptions, RequestEventOptions } from './integrations/options.js';
export type { RequestTracker } from './integrations/RequestTracker.js';
export type { TrustProxy, ProxyHeader } from './integrations/clientIp.js';
export type { SkipRule } from './integrations/skip.js';

// ── routing, processors and catalog (issue 5)
export { compileNameFilter, NAME_FILTER_CACHE_SIZE } from './routing/nameFilter.js';
export type { NameMatcher, NameFilter, NameFilterOptions } from './routing/nameFilter.js';
export { Router, DEFAULT_ROUTER_OPTIONS } from './routing/Router.js';
export type { RouterOptions } from './routing/Router.js';
export type { RouteOptions } from './routing/Route.js';
export { redact, DEFAULT_REDACT_OPTIONS } from './processors/redact.js';
export type { RedactOptions } from './processors/redact.js';
export { sample, DEFAULT_SAMPLE_OPTIONS } from './processors/sample.js';
export type { SampleOptions, SampleKey } from './processors/sample.js';
export { rename } from './processors/rename.js';
export { map } from './processors/map.js';
export type { EventChanges } from './processors/map.js';
export { enrich, DEFAULT_ENRICH_OPTIONS } from './processors/enrich.js';
export type { Enrichment, EnrichOptions } from './processors/enrich.js';
export { edxLegacy, toEdxLegacy, EDX_LEGACY_CONTEXT_FIELDS } from './processors/edxLegacy.js';
export { edxTime, toEdxLogLine } from './processors/edxLegacy.js';
export type { EdxLegacyEvent, EdxLegacyField, EdxLegacyOptions } from './processors/edxLegacy.js';
export { openTelemetry, DEFAULT_OPEN_TELEMETRY_OPTIONS } from './processors/openTelemetry.js';
export type { OpenTelemetryOptions, OpenTelemetryApi } from './processors/openTelemetry.js';
export { EventCatalog, DEFAULT_EVENT_CATALOG_OPTIONS } from './catalog/EventCatalog.js';
export type { EventCatalogOptions } from './catalog/EventCatalog.js';
export type { CatalogEntry } from './catalog/CatalogEntry.js';
export { DEFAULT_CATALOG_POLICY } from './catalog/CatalogPolicy.js';
export type {
  CatalogPolicy,
  CatalogPolicyOptions,
  CatalogVerdict,
  CatalogStatus,
  CatalogReason,
  SchemaIssue,
} from './catalog/CatalogPolicy.js';
export type {
  EventMap,
  NoEvents,
  DataOf,
  EmitArgs,
  UntypedEventData,
  EventMetadata,
  EventDefinition,
  SchemaEventDefinition,
  WithEvent,
  FromSchema,
  JsonSchema,
} from './catalog/types.js';
export type { MarkdownOptions } from './catalog/toMarkdown.js';
export type { JSONSchemaOptions } from './catalog/toJSONSchema.js';

// ── durable spill storage (issue 12)
export { SpillLockedError } from './errors.js';
export { DEFAULT_SPILL_OPTIONS } from './delivery/spill/SpillOptions.js';
export type { SpillOptions, SpillMode, SpillFsync } from './delivery/spill/SpillOptions.js';

// ── declarative configuration (issue 11)
export { registerBackendType, registerProcessorType, registeredTypes } from './config/types.js';
export type { BackendFactory, ProcessorFactory } from './config/types.js';
export { buildBackend, buildProcessor, resolveTrackerConfig } from './config/buildSpec.js';
export { loadConfig } from './config/loadConfig.js';
export type { BackendSpec, ProcessorSpec, StoreSpec, RegExpSpec, NameMatcherSpec, ProcessorEntry, BackendEntry, TrackerConfig } from './config/specs.js';

// ── forwarding (issue 16)
export { HttpStatusError } from './errors.js';
export { HttpBackend, DEFAULT_HTTP_BACKEND_OPTIONS } from './backends/http/HttpBackend.js';
export type { HttpBackendOptions, HttpBodyFormat } from './backends/http/HttpBackend.js';
export {
  MixpanelBackend,
  DEFAULT_MIXPANEL_BACKEND_OPTIONS,
  MIXPANEL_MAX_EVENTS_PER_REQUEST,
  MIXPANEL_MAX_REQUEST_BYTES,
  MIXPANEL_MAX_EVENT_BYTES,
} from './backends/http/MixpanelBackend.js';
export type { MixpanelBackendOptions, MixpanelServiceAccount } from './backends/http/MixpanelBackend.js';
export { SegmentBackend, DEFAULT_SEGMENT_BACKEND_OPTIONS, SEGMENT_MAX_REQUEST_BYTES, SEGMENT_MAX_EVENT_BYTES } from './backends/http/SegmentBackend.js';
export type { SegmentBackendOptions } from './backends/http/SegmentBackend.js';
export { verifySignature, signBody, SIGNATURE_HEADER, DEFAULT_VERIFY_SIGNATURE_OPTIONS } from './backends/http/signature.js';
export type { VerifySignatureOptions } from './backends/http/signature.js';
