import type * as PromClient from 'prom-client';
import type { Counter, Registry } from 'prom-client';
import type { Tracker } from '../tracker/Tracker.js';

/**
 * The service's own counters in Prometheus form (prom-client, a registry of
 * its own, not the global one): events received, accepted and rejected (by
 * reason) per key, refused requests per error code, and the tracker's queued
 * events per backend.
 */
export class ServiceCounters {
  readonly registry: Registry;
  private readonly received: Counter<string>;
  private readonly accepted: Counter<string>;
  private readonly rejected: Counter<string>;
  private readonly refused: Counter<string>;

  constructor(prom: typeof PromClient, tracker: Tracker) {
    this.registry = new prom.Registry();
    const registers = [this.registry];
    this.received = new prom.Counter({ name: 'eventtrack_service_events_received_total', help: 'Events received in POST /v1/events', labelNames: ['key'], registers });
    this.accepted = new prom.Counter({ name: 'eventtrack_service_events_accepted_total', help: 'Events accepted into the tracker', labelNames: ['key'], registers });
    this.rejected = new prom.Counter({ name: 'eventtrack_service_events_rejected_total', help: 'Events rejected, by reason', labelNames: ['key', 'reason'], registers });
    this.refused = new prom.Counter({ name: 'eventtrack_service_requests_refused_total', help: 'Requests refused, by error code', labelNames: ['code'], registers });
    new prom.Gauge({
      name: 'eventtrack_tracker_queued_events',
      help: 'Events waiting in each backend queue of the tracker',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const [backend, stats] of Object.entries(tracker.stats().backends)) this.set({ backend }, stats.queued);
      },
    });
  }

  /** Counts one batch of key `key`. */
  batch(key: string, received: number, accepted: number, rejected: readonly { reason: string }[]): void {
    this.received.inc({ key }, received);
    if (accepted > 0) this.accepted.inc({ key }, accepted);
    for (const r of rejected) this.rejected.inc({ key, reason: r.reason });
  }

  /** Counts one refused request. */
  refusal(code: string): void {
    this.refused.inc({ code });
  }
}
