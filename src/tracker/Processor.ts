import { ConfigurationError } from '../errors.js';
import { freezeEvent } from '../event/freezeEvent.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';

/**
 * Enriches, transforms or drops an event.
 *
 * - return a new event object: it replaces the event for the rest of the chain;
 * - return `null`: the event is dropped and counted with reason `processor`;
 * - return `undefined`: the event continues unchanged.
 *
 * Events are deeply frozen and shared by every backend and route, so a
 * processor cannot mutate its input: it returns a changed copy
 * (`{ ...event, data: { ...event.data, x: 1 } }`), which is frozen in turn
 * before anything else sees it (a `Date` timestamp it sets becomes read-only).
 * A processor that throws (an attempt to mutate its input throws a
 * `TypeError`) is reported through the tracker's `error` event and the event
 * continues unchanged: nothing it did is visible to anyone.
 */
export type Processor = (event: TrackedEvent) => TrackedEvent | null | undefined;


/**
 * Runs `processors` in order over `event`. A failing processor is passed to
 * `onError` and skipped; `null` stops the chain. Each new event a processor
 * returns is frozen ({@link freezeEvent}) before the next one sees it.
 *
 * @internal The tracker's and the Router's machinery, exported for backends
 * that route themselves; not part of the documented API.
 */
export function runProcessors(
  processors: readonly Processor[],
  event: TrackedEvent,
  onError: (error: unknown, event: TrackedEvent) => void,
): TrackedEvent | null {
  let current = event;
  for (const processor of processors) {
    let result: TrackedEvent | null | undefined;
    try {
      result = processor(current);
    } catch (error) {
      onError(error, current);
      continue;
    }
    if (result === null) return null;
    if (result !== undefined && result !== current) current = freezeEvent(result);
  }
  return current;
}

/**
 * The processors of an option, without the empty entries (`undefined`, `null`,
 * `false`) that optional processors such as `openTelemetry()` return when they
 * have nothing to do. A `ConfigurationError` names the option otherwise.
 */
export function compactProcessors(list: readonly (Processor | null | undefined | false)[] | undefined, option: string): Processor[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ConfigurationError(option, 'expected an array of functions (event) => event | null | undefined');
  const out: Processor[] = [];
  list.forEach((item, index) => {
    if (item === undefined || item === null || item === false) return;
    if (typeof item !== 'function') throw new ConfigurationError(`${option}[${index}]`, `expected a function, got ${typeof item}`);
    out.push(item);
  });
  return out;
}
