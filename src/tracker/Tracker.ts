import { EventEmitter } from 'eventemitter3';
import { EventCatalog } from '../catalog/EventCatalog.js';
import type { AnyEventDefinition, EmitArgs, EventDefinition, EventMap, FromSchema, JsonSchema, NoEvents, SchemaEventDefinition, WithEvent } from '../catalog/types.js';
import type { BackendLike } from '../backends/Backend.js';
import type { EmitterLike } from '../context/bindEmitter.js';
import { EMPTY_CONTEXT } from '../context/ContextFrame.js';
import { ContextScope } from '../context/ContextScope.js';
import type { ContextStore } from '../context/ContextStore.js';
import type { DispatcherFlushResult, DispatcherHooks } from '../delivery/Dispatcher.js';
import { countDrop, type DropReason } from '../delivery/DeliveryStats.js';
import { messageOf } from '../delivery/messageOf.js';
import { ConfigurationError, EventTrackError, ValidationError } from '../errors.js';
import { newEventId } from '../event/ids.js';
import { Normalizer } from '../event/normalize.js';
import { checkTimestamp, eventTimestamp } from '../event/timestamp.js';
import type { FlatContext, JsonObject, TrackedEvent } from '../event/TrackedEvent.js';
import { checkEventName } from '../event/validateName.js';
import { unwatchExit, watchExit } from './exitFlush.js';
import { FailureWarnings } from './FailureWarnings.js';
import { compactProcessors, type Processor, runProcessors } from './Processor.js';
import { Router } from '../routing/Router.js';
import { Route } from './Route.js';
import type { DropNotice, FlushReport, TrackerEventTypes, TrackerStats } from './TrackerEvents.js';
import { type BackendRegistration, type ResolvedTrackerOptions, resolveTrackerOptions, type TrackerOptions } from './TrackerOptions.js';

/** Options of a single `emit` call. */
export interface EmitOptions {
  /**
   * When the event happened, if not now: a `Date` or epoch milliseconds within
   * years 0000–9999; anything else is rejected as `invalid-timestamp`.
   */
  timestamp?: Date | number;
  /**
   * The event's id, if the caller has one (a UUID, any version; stored in
   * lower case): an event sent again with the same id is the same event, so
   * a retried batch is stored once (the MongoDB backend keys on it, the
   * counter backend skips ids it saw recently). Anything else is rejected as
   * `invalid-id`. Default: a new UUID v7.
   */
  id?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const VALID_NAME_CACHE_SIZE = 1024;

/** Never an argument of `emit`: the first name, whatever it is, is validated. */
const NO_NAME: unique symbol = Symbol('no name yet');

// Bytes of the envelope around context and data: {"id":"…36…","name":"","timestamp":"…24…","context":,"data":}
const ENVELOPE_SIZE = 100;

/**
 * Emits events, keeps contexts and fans events out to backends.
 *
 * `emit` never throws (unless `strict`) and never waits: it validates,
 * normalises, stamps and queues; delivery happens later, per backend.
 * Failures and drops are reported through the `error` and `drop` events
 * (eventemitter3, see {@link Tracker.on}) and counted in {@link Tracker.stats}.
 */
export class Tracker<E extends EventMap = NoEvents> {
  private readonly events = new EventEmitter<TrackerEventTypes>();
  private readonly options: ResolvedTrackerOptions;
  private readonly routes = new Map<string, Route>();
  private routeList: Route[] = [];
  /** Routes `removeBackend` took out and is still closing: flush and shutdown wait for them too. */
  private readonly removing = new Set<Route>();
  private readonly normalizer: Normalizer;
  private readonly contexts: ContextScope;
  private readonly store: ContextStore;
  private readonly hooks: DispatcherHooks;
  private readonly warnings: FailureWarnings;
  /** The tracker's processors: those of the options, then those of `addProcessor`. */
  private processors: readonly Processor[];
  /**
   * Whether events have more than one consumer (see {@link Tracker.isShared}):
   * then `emit` freezes them deeply. An event only one backend sees, with no
   * processor on its way, has nobody to be protected from, and is not frozen.
   */
  private shared = false;
  private readonly dropped: Partial<Record<DropReason, number>> = {};
  private catalogInstance: EventCatalog<E> | undefined;
  private readonly catalogCounts = { undefined: 0, invalid: 0 };
  private emitted = 0;
  private converted = 0;
  private busy = false;
  /** Names repeat: valid ones are remembered (bounded) and not checked again. */
  private lastValidName: string | typeof NO_NAME = NO_NAME;
  private readonly validNames = new Set<string>();
  private closing: Promise<FlushReport> | undefined;
  /** Backends whose queue is above its high-water mark (see `emit`'s return value). */
  private readonly pressured = new Set<string>();
  private drainWaiters: (() => void)[] = [];
  /** The timestamp of the last event stamped now (see `emit`). */
  private lastTimestamp = eventTimestamp(Number.NaN);

  constructor(options: TrackerOptions & { catalog?: EventCatalog<E> } = {}) {
    this.options = resolveTrackerOptions(options);
    this.normalizer = new Normalizer(this.options.strict);
    this.warnings = new FailureWarnings(this.options.warnings);
    this.processors = this.options.processors;
    this.store = this.options.contextStore;
    this.contexts = new ContextScope(this.store, (ctx) => this.normalizeContext(ctx));
    this.hooks = {
      drop: (backend, events, reason, cause) => this.notifyDrop({ reason, count: events.length, backend, events, cause }),
      error: (error) => this.report(error),
      pressure: (backend, above) => this.pressure(backend, above),
    };
    this.catalogInstance = options.catalog as EventCatalog<E> | undefined;
    for (const [name, spec] of Object.entries(options.backends ?? {})) this.addBackend(name, spec);
    this.shared = this.isShared();
    if (this.options.flushOnExit) watchExit(this);
  }

  /**
   * Records an event named `name` with `data`, merged with the active context.
   * Returns at once; never throws unless `strict` is on.
   *
   * Returns `false` while a backend's queue is above its high-water mark
   * (`delivery.highWaterMark`), as `stream.write` does: a loop that emits
   * much should then `await tracker.drain()` before going on. `true`
   * otherwise, whether this event was accepted or not.
   *
   * @example
   * ```ts
   * const tracker = createTracker({ backends: { memory: new MemoryBackend() } });
   * tracker.emit('navigation.request', { url: '/courses' });   // queued; never throws, never awaits
   * tracker.emit('video.play', { position: 12.5 }, { timestamp: new Date('2026-01-01T00:00:00Z') });
   * ```
   */
  emit<N extends string>(name: N, ...args: EmitArgs<E, N, EmitOptions>): boolean;
  emit(name: string, data?: unknown, options?: EmitOptions): boolean {
    this.record(name, data, options);
    return this.pressured.size === 0;
  }

  /**
   * Resolves when no backend's queue is above its high-water mark (at once
   * when none is): the promise form of the `drain` event.
   */
  drain(): Promise<void> {
    if (this.pressured.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private pressure(backend: string, above: boolean): void {
    if (above) {
      this.pressured.add(backend);
      return;
    }
    if (!this.pressured.delete(backend) || this.pressured.size > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
    if (this.events.listenerCount('drain') > 0) this.emit2('drain');
  }

  private record(name: string, data: unknown, options: EmitOptions | undefined): void {
    try {
      if (this.closing !== undefined) return this.dropBeforeRouting('shutdown', name, 'tracker is shut down');
      if (name !== this.lastValidName) {
        if (!this.validNames.has(name)) {
          const invalid = checkEventName(name);
          if (invalid !== undefined) return this.reject('invalid-name', name, invalid);
          if (this.validNames.size >= VALID_NAME_CACHE_SIZE) this.validNames.clear();
          this.validNames.add(name);
        }
        this.lastValidName = name;
      }
      let at: number | undefined;
      if (options?.timestamp !== undefined) {
        const checked = checkTimestamp(options.timestamp);
        if (typeof checked === 'string') return this.reject('invalid-timestamp', name, checked);
        at = checked;
      }
      const frame = this.store.current();
      const around = ENVELOPE_SIZE + name.length + (frame?.size ?? 2);
      const normalizer = this.busy ? new Normalizer(this.options.strict) : this.normalizer;
      this.busy = true;
      let payload: JsonObject;
      try {
        // Frozen as it is built when shared, so no processor or backend can change what the others receive.
        payload = normalizer.object(data, this.shared, this.options.maxEventSize - around);
      } finally {
        // Still busy when this is an emit nested in another's normalisation (a `toJSON` that emits).
        this.busy = normalizer !== this.normalizer;
      }
      this.converted += normalizer.conversions;
      const size = around + normalizer.size;
      if (size > this.options.maxEventSize) {
        const max = this.options.maxEventSize;
        // Stopped at the limit (`oversized`), the walk knows only that it is past it.
        const length = normalizer.oversized ? `more than ${max}` : String(size);
        return this.reject('oversized', name, `event "${name}" is ${length} characters of JSON (maxEventSize is ${max})`);
      }
      if (this.catalogInstance !== undefined && !this.checkCatalog(name, payload)) return;
      if (options?.id !== undefined && (typeof options.id !== 'string' || !UUID.test(options.id))) {
        return this.reject('invalid-id', name, `emit option \`id\` must be a UUID, got ${JSON.stringify(options.id)}`);
      }
      const now = Date.now();
      let timestamp: Date;
      if (at !== undefined) timestamp = eventTimestamp(at);
      else {
        // Events of the same millisecond share their timestamp (read-only): a Date costs far more to make than to read.
        timestamp = this.lastTimestamp;
        if (timestamp.getTime() !== now) this.lastTimestamp = timestamp = eventTimestamp(now);
      }
      const event: TrackedEvent = { id: options?.id === undefined ? newEventId(now) : options.id.toLowerCase(), name, timestamp, context: frame?.merged ?? EMPTY_CONTEXT, data: payload };
      this.route(this.shared ? Object.freeze(event) : event, size);
    } catch (error) {
      if (error instanceof ValidationError && this.options.strict) throw error;
      // Not expected to happen (bad input has its own rules), but never silent: reported and counted.
      this.report(error instanceof EventTrackError ? error : new EventTrackError('emit failed unexpectedly', { cause: error }));
      countDrop(this.dropped, 'internal-error', 1);
    }
  }

  /** `size`: the event's estimated JSON length, which the queues are bounded by. */
  private route(input: TrackedEvent, size: number): void {
    const processed = this.processors.length === 0 ? input : runProcessors(this.processors, input, this.processorFailed);
    if (processed === null) return this.dropBeforeRouting('processor', input.name, 'a processor returned null', [input]);
    this.emitted++;
    for (const route of this.routeList) {
      if (route.accepts !== undefined && !route.accepts(processed.name)) continue;
      const event = route.processors.length === 0 ? processed : runProcessors(route.processors, processed, this.processorFailed);
      if (event === null) {
        route.dispatcher.dropUnqueued([processed], 'processor');
        continue;
      }
      route.dispatcher.enqueue(event, size);
    }
  }

  /**
   * The event catalog: every event defined with {@link Tracker.define}, its
   * policies for undefined and invalid events, and the documentation writers
   * (`toMarkdown()`, `toJSONSchema()`). Created on first use; a tracker that
   * never defines an event pays nothing for it.
   */
  get catalog(): EventCatalog<E> {
    this.catalogInstance ??= new EventCatalog() as EventCatalog<E>;
    return this.catalogInstance;
  }

  /**
   * Documents an event and checks its `data` at run time (JSON Schema, Ajv);
   * the returned tracker (this one) type-checks `emit` of `name`. The payload
   * type is `T` (`JSONSchemaType<T>` checks the schema against it) or inferred
   * from an inline schema. Undefined and invalid events follow the catalog's
   * policies (`new EventCatalog({ undefinedEvents, invalidEvents })` passed as
   * the `catalog` option): `allow`, `warn` (reported, delivered) or `reject`
   * (reported, dropped); either way they are counted in `stats().catalog`.
   */
  define<N extends string, T>(name: N, definition: EventDefinition<T>): Tracker<WithEvent<E, N, T>>;
  define<N extends string, const S extends JsonSchema>(name: N, definition: SchemaEventDefinition<S>): Tracker<WithEvent<E, N, FromSchema<S>>>;
  define(name: string, definition: AnyEventDefinition): Tracker<EventMap> {
    (this.catalog as EventCatalog<EventMap>).define(name, definition as never);
    return this as unknown as Tracker<EventMap>;
  }

  /** `false` when the catalog's policy rejects the event (then counted and reported). */
  private checkCatalog(name: string, payload: JsonObject): boolean {
    const verdict = this.catalogInstance!.validate(name, payload);
    if (verdict.status === 'valid') return true;
    this.catalogCounts[verdict.status]++;
    if (verdict.action === 'deliver') return true;
    if (verdict.action === 'warn') {
      if (this.events.listenerCount('error') > 0) this.emit2('error', verdict.error);
      else this.warnings.catalog(verdict.error, name);
      return true;
    }
    if (this.options.strict) throw verdict.error;
    this.rejectWith(verdict.error, name, verdict.error.reason as DropReason);
    return false;
  }

  /**
   * Runs `fn` inside a context frame `name` adding `ctx`; returns what `fn` returns (a promise for async `fn`).
   *
   * @example
   * ```ts
   * await tracker.context('request', { user_id: 7, path: '/courses' }, async () => {
   *   await tracker.context('course', { course_id: 'c1' }, async () => {
   *     tracker.emit('course.viewed');   // context: { user_id: 7, path: '/courses', course_id: 'c1' }
   *   });
   * });
   * ```
   */
  context<R>(name: string, ctx: Record<string, unknown> | undefined, fn: () => R): R {
    return this.contexts.run(name, ctx, fn);
  }

  /**
   * `context` for integrations that build the context themselves: when `ctx`
   * is frozen and holds only strings and finite numbers it is used as it is,
   * without the copy `context` makes (a request context, every request);
   * anything else is copied as by `context`.
   * @internal
   */
  contextFlat<R>(name: string, ctx: FlatContext, fn: () => R): R {
    return this.contexts.runFlat(name, ctx, fn);
  }

  /** Enters a context frame for the rest of the current execution (prefer {@link Tracker.context}). */
  enterContext(name: string, ctx?: Record<string, unknown>): void {
    this.contexts.enter(name, ctx);
  }

  /** Leaves the innermost frame named `name`; `false` (never an error) when there is none. */
  exitContext(name: string): boolean {
    return this.contexts.exit(name);
  }

  /** The merged context active now (frozen). */
  resolveContext(): Readonly<JsonObject> {
    return this.contexts.resolve();
  }

  /** Wraps `fn` so it runs in the context active now, wherever it is called from. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function, its own signature kept
  bind<F extends (...args: any[]) => any>(fn: F): F {
    return this.contexts.bind(fn);
  }

  /** Makes listeners added to `emitter` from now on run in the context active when they were added. */
  bindEmitter<T extends EmitterLike>(emitter: T): T {
    return this.contexts.bindEmitter(emitter);
  }

  /** Registers a backend under `name` (a `ConfigurationError` if the name is taken or the backend invalid). */
  addBackend(name: string, backend: BackendLike | BackendRegistration): this {
    if (this.routes.has(name)) throw new ConfigurationError(`backends.${name}`, `a backend named "${name}" is already registered`);
    if (this.closing !== undefined) throw new ConfigurationError(`backends.${name}`, 'the tracker is shut down');
    const route = Route.create(name, backend, this.options.delivery, this.hooks);
    this.routes.set(name, route);
    this.routeList = [...this.routes.values()];
    this.shared = this.isShared();
    return this;
  }

  /**
   * Stops routing events to backend `name`, delivers what it already holds
   * (within `timeoutMs`) and closes it; `flush` and `shutdown` called meanwhile
   * wait for it too. Resolves `false` if there is no such backend.
   */
  async removeBackend(name: string, timeoutMs = this.options.shutdownTimeoutMs): Promise<boolean> {
    const route = this.routes.get(name);
    if (route === undefined) return false;
    this.routes.delete(name);
    this.routeList = [...this.routes.values()];
    this.shared = this.isShared();
    this.removing.add(route);
    await route.dispatcher.close(timeoutMs, 'backend-removed', true);
    this.removing.delete(route);
    return true;
  }

  /** Names of the registered backends. */
  backendNames(): string[] {
    return [...this.routes.keys()];
  }

  /**
   * The backend registered as `name`, as it was given (the object or
   * function, not its registration's `include`/`processors`), or `undefined`.
   */
  getBackend<B extends BackendLike = BackendLike>(name: string): B | undefined {
    return this.routes.get(name)?.backend as B | undefined;
  }

  /** The registered backends by name, as {@link Tracker.getBackend} gives them (a new object each call). */
  backends(): Record<string, BackendLike> {
    const out: Record<string, BackendLike> = {};
    for (const [name, route] of this.routes) out[name] = route.backend;
    return out;
  }

  /**
   * Appends a processor to the tracker's own (run over every event, before
   * routing), for events emitted from now on. Empty entries (`undefined`,
   * `null`, `false`, as `openTelemetry()` returns without its package) are
   * ignored; anything else that is not a function is a `ConfigurationError`.
   */
  addProcessor(processor: Processor | null | undefined | false): this {
    const [added] = compactProcessors([processor], 'processors');
    if (added !== undefined) this.processors = [...this.processors, added];
    this.shared = this.isShared();
    return this;
  }

  /**
   * Whether an event reaches more than one consumer: two backends or more, a
   * processor (tracker's or a backend's: a processor that throws halfway must
   * leave nothing behind), or a `Router` (its routes share the event). Events
   * emitted from then on are frozen; events already queued went to one
   * backend only, unprocessed, so nobody else can see them.
   */
  private isShared(): boolean {
    if (this.processors.length > 0 || this.routes.size > 1) return true;
    for (const route of this.routes.values()) if (route.processors.length > 0 || route.backend instanceof Router) return true;
    return false;
  }

  /** Delivers everything emitted so far, or reports what is still pending after `timeoutMs`. Never rejects. */
  async flush(timeoutMs = this.options.shutdownTimeoutMs): Promise<FlushReport> {
    const started = Date.now();
    const results = await Promise.all(this.deliveringRoutes().map(async (route) => [route.name, await route.dispatcher.flush(timeoutMs)] as const));
    return this.finishFlush(started, results);
  }

  /**
   * Flushes within `timeoutMs`, drops what is left (`shutdown-timeout`) and
   * closes every backend. Idempotent: later calls return the first call's report.
   * Events emitted afterwards are dropped with reason `shutdown`. Until it
   * ends (within about `timeoutMs`) the process stays up, so the code after
   * `await tracker.shutdown()` in a SIGTERM handler runs even while a server hangs.
   */
  shutdown(timeoutMs = this.options.shutdownTimeoutMs): Promise<FlushReport> {
    if (this.closing === undefined) {
      unwatchExit(this);
      const started = Date.now();
      // The caller awaits this within its deadline: hold the process open until it ends (the backends' own
      // sockets and timeout timers are unref'd, so with a hung server the loop could empty mid-shutdown).
      const hold = setInterval(() => undefined, 2 ** 31 - 1);
      this.closing = Promise.all(
        this.deliveringRoutes().map(async (route) => [route.name, await route.dispatcher.close(timeoutMs, 'shutdown-timeout', true)] as const),
      )
        .then((results) => this.finishFlush(started, results))
        .finally(() => clearInterval(hold));
    }
    return this.closing;
  }

  /**
   * Listens to the tracker's own events: `error` (an {@link EventTrackError}),
   * `drop` (a {@link DropNotice}: use it as a dead-letter hook), `flush`
   * (a {@link FlushReport}) and `drain` (every queue back under its
   * high-water mark). Nothing is built for an event nobody listens to.
   */
  on<K extends keyof TrackerEventTypes>(type: K, listener: TrackerEventTypes[K]): this {
    this.events.on(type, listener as never);
    return this;
  }

  /** Like {@link Tracker.on}, for one call. */
  once<K extends keyof TrackerEventTypes>(type: K, listener: TrackerEventTypes[K]): this {
    this.events.once(type, listener as never);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof TrackerEventTypes>(type: K, listener: TrackerEventTypes[K]): this {
    this.events.off(type, listener as never);
    return this;
  }

  /**
   * Reports a failure through the tracker's `error` event, as the tracker does
   * its own: for integrations and backends that run user callbacks (a throwing
   * `userId`, a failing enrichment) and must not throw into the application.
   * A value that is not an {@link EventTrackError} is wrapped in one, as `cause`.
   */
  reportError(error: unknown): void {
    this.report(error instanceof EventTrackError ? error : new EventTrackError(messageOf(error), { cause: error }));
  }

  /** Counters of the tracker and of each backend. */
  stats(): TrackerStats {
    const backends: TrackerStats['backends'] = {};
    for (const route of this.routeList) backends[route.name] = route.dispatcher.stats();
    return { emitted: this.emitted, converted: this.converted, dropped: { ...this.dropped }, catalog: { ...this.catalogCounts }, backends };
  }

  /** @internal used by the exit hook */
  acceptedCount(): number {
    return this.emitted;
  }

  /** @internal used by the exit hook */
  hasPending(): boolean {
    return this.deliveringRoutes().some((route) => {
      const stats = route.dispatcher.stats();
      return stats.queued + stats.inFlight > 0;
    });
  }

  /** The registered routes and those `removeBackend` is still closing. */
  private deliveringRoutes(): readonly Route[] {
    return this.removing.size === 0 ? this.routeList : [...this.routeList, ...this.removing];
  }

  private finishFlush(started: number, results: ReadonlyArray<readonly [string, DispatcherFlushResult]>): FlushReport {
    const backends: FlushReport['backends'] = {};
    let pending = 0;
    let delivered = 0;
    let dropped = 0;
    for (const [name, result] of results) {
      // A removed backend still closing may share its name with a new one.
      const prev = backends[name];
      backends[name] = {
        pending: (prev?.pending ?? 0) + result.pending,
        delivered: (prev?.delivered ?? 0) + result.delivered,
        dropped: (prev?.dropped ?? 0) + result.dropped,
      };
      pending += result.pending;
      delivered += result.delivered;
      dropped += result.dropped;
    }
    const report: FlushReport = { complete: pending === 0 && dropped === 0, pending, delivered, dropped, backends, durationMs: Date.now() - started };
    if (this.events.listenerCount('flush') > 0) this.emit2('flush', report);
    return report;
  }

  private normalizeContext(ctx: unknown): { value: JsonObject; size: number } {
    const normalizer = this.busy ? new Normalizer(this.options.strict) : this.normalizer;
    this.busy = true;
    try {
      // Bounded like data: a context over maxEventSize makes every event in it oversized anyway.
      const value = normalizer.object(ctx, true, this.options.maxEventSize);
      this.converted += normalizer.conversions;
      return { value, size: normalizer.size };
    } finally {
      this.busy = normalizer !== this.normalizer;
    }
  }

  private readonly processorFailed = (error: unknown, event: TrackedEvent): void => {
    // Mutating a frozen event throws a TypeError in strict code: say what to do instead.
    const hint = error instanceof TypeError ? ' (events are frozen: a processor returns a changed copy, { ...event, data: { ...event.data, … } }, instead of mutating its input)' : '';
    this.report(new EventTrackError(`processor failed on "${event.name}"; the event continues unchanged${hint}`, { cause: error }));
  };

  private reject(reason: DropReason, name: unknown, message: string): void {
    const error = new ValidationError(reason, message);
    if (this.options.strict) throw error;
    this.rejectWith(error, String(name), reason);
  }

  /** An event refused before routing: reported on `error`, counted and notified as a drop; one warning if nobody listens to either. */
  private rejectWith(error: ValidationError, name: string, reason: DropReason): void {
    const heard = this.events.listenerCount('error') > 0;
    if (heard) this.emit2('error', error);
    countDrop(this.dropped, reason, 1);
    const notice: DropNotice = { reason, count: 1, events: [], name, cause: error.message };
    if (this.events.listenerCount('drop') > 0) this.emit2('drop', notice);
    else if (!heard) this.warnings.drop(notice);
  }

  private dropBeforeRouting(reason: DropReason, name: string, message: string, events: readonly TrackedEvent[] = []): void {
    countDrop(this.dropped, reason, 1);
    this.notifyDrop({ reason, count: 1, events, name, cause: message });
  }

  private notifyDrop(notice: DropNotice): void {
    if (this.events.listenerCount('drop') > 0) this.emit2('drop', notice);
    else this.warnings.drop(notice);
  }

  private report(error: EventTrackError): void {
    if (this.events.listenerCount('error') > 0) this.emit2('error', error);
    else this.warnings.error(error);
  }

  private emit2<K extends keyof TrackerEventTypes>(type: K, ...args: Parameters<TrackerEventTypes[K]>): void {
    try {
      (this.events.emit as (type: K, ...args: unknown[]) => boolean)(type, ...args);
    } catch {
      // A throwing listener must not break emit or delivery.
    }
  }
}
