import { Tracker } from './Tracker.js';
import type { TrackerOptions } from './TrackerOptions.js';

/** Creates a tracker; see {@link TrackerOptions} for every option and its default. */
export function createTracker(options: TrackerOptions = {}): Tracker {
  return new Tracker(options);
}
