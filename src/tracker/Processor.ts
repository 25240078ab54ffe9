import { ConfigurationError } from '../errors.js';
import type { TrackedEvent } from '../event/TrackedEvent.js';

/**
 * Enriches, transforms or drops an event.
 *
 * - return a new event object: it replaces the event for the rest of the chain;
 * - return `null`: the event is dropped and counted with reason `processor`;
 * - return `undefined`: the event continues unchanged.
 *
 * Events are frozen and shared, so a processor never mutates its input. A
 * processor that throws is reported through the tracker's `error` event and the
 * event continues unchanged.
 */
export type Processor = (event: TrackedEvent) => TrackedEvent | null | undefined;


/**
 * Runs `processors` in order over `event`. A failing processor is passed to
 * `onError` and skipped; `null` stops the chain.
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
    if (result !== undefined) current = result;
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
