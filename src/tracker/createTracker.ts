import type { EventCatalog } from '../catalog/EventCatalog.js';
import type { EventMap, NoEvents } from '../catalog/types.js';
import { resolveTrackerConfig } from '../config/buildSpec.js';
import type { TrackerConfig } from '../config/specs.js';
import { Tracker } from './Tracker.js';
import type { TrackerOptions } from './TrackerOptions.js';

/**
 * Creates a tracker; see {@link TrackerOptions} for every option and its
 * default. Pass `catalog` (an `EventCatalog`, typed by the events it defines)
 * to start with documented events and catalog policies. `backends` and
 * `processors` may also be specs (`{ type, options, … }`, plain JSON; see
 * `TrackerConfig`), built here; a bad spec throws a `ConfigurationError`
 * naming its path.
 *
 * @example
 * ```ts
 * import { createTracker, LoggerBackend, MemoryBackend } from 'eventtrack';
 *
 * const tracker = createTracker({
 *   backends: { log: new LoggerBackend({ path: 'events.jsonl' }), memory: new MemoryBackend() },
 *   delivery: { batchSize: 200, maxRetries: 8 },
 * });
 * tracker.on('error', (error) => console.error(error));
 * tracker.emit('app.started', { version: '1.4.2' });
 * await tracker.shutdown();
 * ```
 */
export function createTracker<E extends EventMap = NoEvents>(options: (TrackerOptions | TrackerConfig) & { catalog?: EventCatalog<E> } = {}): Tracker<E> {
  return new Tracker<E>(resolveTrackerConfig(options as TrackerConfig) as TrackerOptions & { catalog?: EventCatalog<E> });
}
