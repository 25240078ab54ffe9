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
 */
export function createTracker<E extends EventMap = NoEvents>(options: (TrackerOptions | TrackerConfig) & { catalog?: EventCatalog<E> } = {}): Tracker<E> {
  return new Tracker<E>(resolveTrackerConfig(options as TrackerConfig) as TrackerOptions & { catalog?: EventCatalog<E> });
}
