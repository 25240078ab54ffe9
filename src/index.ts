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
export type { TrackedEvent, JsonValue, JsonObject, JsonPrimitive } from './event/TrackedEvent.js';

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
export { runProcessors } from './tracker/Processor.js';
export type { Processor } from './tracker/Processor.js';
export { AsyncContextStore } from './context/AsyncContextStore.js';
export type { ContextStore } from './context/ContextStore.js';
export type { ContextFrame } from './context/ContextFrame.js';
export { bindEmitter } from './context/bindEmitter.js';
export type { EmitterLike } from './context/bindEmitter.js';
export { Normalizer, MAX_DEPTH } from './event/normalize.js';
export { newEventId } from './event/ids.js';
export { checkEventName, MAX_NAME_LENGTH } from './event/validateName.js';
export { DEFAULT_DELIVERY_OPTIONS } from './delivery/DeliveryOptions.js';
export type { DeliveryOptions, OverflowPolicy } from './delivery/DeliveryOptions.js';
export type { BackendStats, DropReason } from './delivery/DeliveryStats.js';
export { MemoryBackend } from './backends/memory/MemoryBackend.js';
export type { MemoryBackendOptions } from './backends/memory/MemoryBackend.js';
export { LoggerBackend, DEFAULT_LOGGER_BACKEND_OPTIONS } from './backends/logger/LoggerBackend.js';
export type { LoggerBackendOptions, PinoLikeLogger } from './backends/logger/LoggerBackend.js';
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

// ── metrics and counters (issue 3)

// ── integrations (issue 5)
export { MiddlewareError } from './errors.js';
export { wrapHttpHandler } from './integrations/http.js';
export { expressMiddleware } from './integrations/express.js';
export type { ExpressRequestLike } from './integrations/express.js';
export { fastifyPlugin } from './integrations/fastify.js';
export type { FastifyTrackingOptions, FastifyRequestLike, FastifyInstanceLike } from './integrations/fastify.js';
export { koaMiddleware } from './integrations/koa.js';
export type { KoaContextLike } from './integrations/koa.js';
export { DEFAULT_REQUEST_TRACKING_OPTIONS, DEFAULT_REQUEST_EVENT_OPTIONS, DEFAULT_MASKED_FIELDS } from './integrations/options.js';
export type { RequestTrackingOptions, RequestEventOptions } from './integrations/options.js';
export type { RequestTracker } from './integrations/RequestTracker.js';
export type { TrustProxy, ProxyHeader } from './integrations/clientIp.js';
export type { SkipRule } from './integrations/skip.js';

// ── routing, processors and catalog (issue 5)
