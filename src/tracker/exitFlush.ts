// One `beforeExit` listener for all trackers: when the event loop runs dry
// with events still queued (the classic "lost on exit" of analytics SDKs),
// flush them before the process ends. A tracker is flushed again only if it
// accepted new events since, so a backend that keeps failing cannot make the
// process loop forever.

/** What the exit hook needs from a tracker. */
export interface ExitFlushable {
  /** Events accepted so far (any monotonic count). */
  acceptedCount(): number;
  /** True when some accepted event is not yet delivered or dropped. */
  hasPending(): boolean;
  flush(): Promise<unknown>;
}

const live = new Map<ExitFlushable, number>();
let listening = false;

function onBeforeExit(): void {
  for (const [tracker, flushedAt] of live) {
    const accepted = tracker.acceptedCount();
    if (accepted === flushedAt || !tracker.hasPending()) continue;
    live.set(tracker, accepted);
    // flush never rejects; the catch only keeps a broken promise from surfacing as unhandled.
    tracker.flush().catch(() => undefined);
  }
}

/** Starts flushing `tracker` on exit. */
export function watchExit(tracker: ExitFlushable): void {
  live.set(tracker, -1);
  if (!listening) {
    process.on('beforeExit', onBeforeExit);
    listening = true;
  }
}

/** Stops flushing `tracker` on exit (after its shutdown). */
export function unwatchExit(tracker: ExitFlushable): void {
  live.delete(tracker);
  if (listening && live.size === 0) {
    process.off('beforeExit', onBeforeExit);
    listening = false;
  }
}
