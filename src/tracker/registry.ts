import { TrackerNotFoundError } from '../errors.js';
import type { Tracker } from './Tracker.js';

/** The name `registerTracker` and `getTracker` use when given none. */
export const DEFAULT_TRACKER_NAME = 'default';

const trackers = new Map<string, Tracker>();

/** Makes `tracker` available to `getTracker(name)`; replaces a tracker registered under the same name. */
export function registerTracker(tracker: Tracker, name: string = DEFAULT_TRACKER_NAME): Tracker {
  trackers.set(name, tracker);
  return tracker;
}

/** The tracker registered as `name`; a {@link TrackerNotFoundError} naming it when there is none. */
export function getTracker(name: string = DEFAULT_TRACKER_NAME): Tracker {
  const tracker = trackers.get(name);
  if (tracker === undefined) throw new TrackerNotFoundError(name, [...trackers.keys()]);
  return tracker;
}

/** Forgets the tracker registered as `name`; `true` if there was one. */
export function unregisterTracker(name: string = DEFAULT_TRACKER_NAME): boolean {
  return trackers.delete(name);
}
