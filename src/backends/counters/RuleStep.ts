import { ValidationError } from '../../errors.js';
import type { JsonValue, TrackedEvent } from '../../event/TrackedEvent.js';
import type { Metrics } from '../../metrics/Metrics.js';
import type { CounterOutput, CounterSkipReason } from './CounterSkip.js';
import type { CompiledRule } from './CounterRule.js';
import type { NameTemplate } from './NameTemplate.js';
import { type EventPath, readPath } from './path.js';

/** Where a step reports what it wrote and what it skipped. */
export interface StepSink {
  wrote(count: number): void;
  skipped(event: TrackedEvent, rule: CompiledRule, output: CounterOutput, reason: CounterSkipReason, path?: string, error?: unknown): void;
}

function problemOf(value: JsonValue | undefined): CounterSkipReason {
  return value === undefined || value === null ? 'missing' : 'wrong-type';
}

/**
 * One rule as it applies to one event name: names that depend only on the
 * event name (`'{name}'`, a fixed slug) are resolved once, when the step is
 * made for the first event of that name, and reused for every later one.
 */
export class RuleStep {
  private readonly slug: string | undefined;
  private readonly category: string | undefined;

  constructor(
    readonly rule: CompiledRule,
    first: TrackedEvent,
  ) {
    this.slug = rule.slug.perName ? rule.slug.render(first) : undefined;
    this.category = rule.category?.perName === true ? rule.category.render(first) : undefined;
  }

  /**
   * Records `event` (whose timestamp is `ms`) into `metrics`. Never throws:
   * every write Metrics refuses, and every value that is missing or of the
   * wrong type, is reported to `sink` and the other writes still happen.
   */
  apply(event: TrackedEvent, ms: number, metrics: Metrics, sink: StepSink): void {
    const { rule } = this;
    const slug = this.slug ?? rule.slug.render(event);
    if (slug === undefined) return this.skipName(event, rule.slug, 'slug', sink);

    let n = 1;
    let nOk = true;
    if (rule.value !== undefined) {
      const value = readPath(event, rule.value);
      if (typeof value === 'number' && Number.isFinite(value)) n = value;
      else {
        nOk = false;
        sink.skipped(event, rule, 'value', problemOf(value), rule.value.source);
      }
    }

    if (rule.count && nOk) {
      const category = rule.category === undefined ? undefined : (this.category ?? rule.category.render(event));
      if (rule.category !== undefined && category === undefined) this.skipName(event, rule.category, 'category', sink);
      try {
        metrics.metric(slug, n, category === undefined ? { timestamp: ms } : { timestamp: ms, category });
        sink.wrote(1);
      } catch (error) {
        this.refused(event, 'count', undefined, error, sink);
      }
    }
    if (rule.entity !== undefined && nOk) this.entity(event, rule.entity, slug, ms, n, metrics, sink);
    if (rule.unique !== undefined) {
      const member = readPath(event, rule.unique);
      if (typeof member === 'string' || typeof member === 'number') {
        try {
          metrics.unique(slug, member, { timestamp: ms });
          sink.wrote(1);
        } catch (error) {
          this.refused(event, 'unique', rule.unique, error, sink);
        }
      } else sink.skipped(event, rule, 'unique', problemOf(member), rule.unique.source);
    }
    if (rule.gauge !== undefined) {
      const value = readPath(event, rule.gauge);
      if (typeof value === 'number' && Number.isFinite(value)) {
        try {
          metrics.gauge(slug, value);
          sink.wrote(1);
        } catch (error) {
          this.refused(event, 'gauge', rule.gauge, error, sink);
        }
      } else sink.skipped(event, rule, 'gauge', problemOf(value), rule.gauge.source);
    }
    if (rule.timing !== undefined) {
      const value = readPath(event, rule.timing);
      if (typeof value === 'number') {
        const category = rule.category === undefined ? undefined : (this.category ?? rule.category.render(event));
        try {
          metrics.timing(slug, value, category === undefined ? { timestamp: ms } : { timestamp: ms, category });
          sink.wrote(1);
        } catch (error) {
          this.refused(event, 'timing', rule.timing, error, sink);
        }
      } else sink.skipped(event, rule, 'timing', problemOf(value), rule.timing.source);
    }
  }

  private entity(event: TrackedEvent, path: EventPath, slug: string, ms: number, n: number, metrics: Metrics, sink: StepSink): void {
    const value = readPath(event, path);
    const ids = Array.isArray(value) ? value : [value];
    for (const id of ids) {
      if (typeof id !== 'string' && typeof id !== 'number') {
        sink.skipped(event, this.rule, 'entity', problemOf(id), path.source);
        continue;
      }
      try {
        metrics.trackMetric(id, slug, { timestamp: ms, n });
        sink.wrote(1);
      } catch (error) {
        this.refused(event, 'entity', path, error, sink);
      }
    }
  }

  private skipName(event: TrackedEvent, template: NameTemplate, output: CounterOutput, sink: StepSink): void {
    const { reason, path, error } = template.skip;
    sink.skipped(event, this.rule, output, reason, path, error);
  }

  private refused(event: TrackedEvent, output: CounterOutput, path: EventPath | undefined, error: unknown, sink: StepSink): void {
    sink.skipped(event, this.rule, output, error instanceof ValidationError ? 'invalid' : 'error', path?.source, error);
  }
}
