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

// ── mongodb (issue 4)

// ── metrics and counters (issue 3)

// ── integrations (issue 5)

// ── routing, processors and catalog (issue 5)
