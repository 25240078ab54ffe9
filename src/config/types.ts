import { ConfigurationError } from '../errors.js';
import type { BackendLike } from '../backends/Backend.js';
import type { Processor } from '../tracker/Processor.js';
import { BUILTIN_BACKEND_TYPES, BUILTIN_PROCESSOR_TYPES } from './builtinTypes.js';

/** Builds a backend from a spec's `options`. Throw a `ConfigurationError` naming the option for bad options. */
export type BackendFactory = (options: Record<string, unknown>) => BackendLike;
/** Builds a processor from a spec's `options`; `undefined` means "nothing to run" (the entry is skipped). */
export type ProcessorFactory = (options: Record<string, unknown>) => Processor | undefined;

const backendTypes = new Map<string, BackendFactory>();
const processorTypes = new Map<string, ProcessorFactory>();

const TYPE_NAME = /^[A-Za-z][\w.-]*$/;

function register<F>(kind: string, map: Map<string, F>, name: string, factory: F): void {
  if (typeof name !== 'string' || !TYPE_NAME.test(name)) {
    throw new ConfigurationError('name', `a ${kind} type name is a word such as "kafka", got ${JSON.stringify(name)}`);
  }
  if (typeof factory !== 'function') throw new ConfigurationError('factory', `expected a function (options) => ${kind}`);
  map.set(name, factory);
}

/**
 * Makes `type: name` usable in backend specs: `registerBackendType('kafka',
 * (options) => new KafkaBackend(options))`. Registering a name again replaces
 * its factory (built-in types included).
 *
 * @throws ConfigurationError when the name is not a word or the factory not a function.
 */
export function registerBackendType(name: string, factory: BackendFactory): void {
  register('backend', backendTypes, name, factory);
}

/**
 * Makes `type: name` usable in processor specs: `registerProcessorType('tag',
 * (options) => (event) => ({ ...event, data: { ...event.data, tag: options.tag } }))`.
 *
 * @throws ConfigurationError when the name is not a word or the factory not a function.
 */
export function registerProcessorType(name: string, factory: ProcessorFactory): void {
  register('processor', processorTypes, name, factory);
}

/** The factory of backend type `name`, if registered. */
export function backendType(name: string): BackendFactory | undefined {
  return backendTypes.get(name) ?? (Object.hasOwn(BUILTIN_BACKEND_TYPES, name) ? BUILTIN_BACKEND_TYPES[name] : undefined);
}

/** The factory of processor type `name`, if registered. */
export function processorType(name: string): ProcessorFactory | undefined {
  return processorTypes.get(name) ?? (Object.hasOwn(BUILTIN_PROCESSOR_TYPES, name) ? BUILTIN_PROCESSOR_TYPES[name] : undefined);
}

/** The registered backend and processor type names. */
export function registeredTypes(): { backends: string[]; processors: string[] } {
  return {
    backends: [...new Set([...Object.keys(BUILTIN_BACKEND_TYPES), ...backendTypes.keys()])],
    processors: [...new Set([...Object.keys(BUILTIN_PROCESSOR_TYPES), ...processorTypes.keys()])],
  };
}
