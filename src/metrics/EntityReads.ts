import { ValidationError } from '../errors.js';
import type { WriteOp } from './CounterStore.js';
import { sum, toBucket } from './HistoryReader.js';
import { checkEntity, checkName, toEpochMs } from './names.js';
import type { StoreAccess } from './StoreAccess.js';
import type { CountOptions, EntityGranularity, EntityMetricPair, EntityMetricsOptions, EntitySeries } from './types.js';

/** Default number of buckets of the per-entity reads (py-analytics' defaults, months raised to a year). */
export const ENTITY_DEFAULT_LIMITS: Readonly<Record<EntityGranularity, number>> = { day: 30, week: 10, month: 12 };

/** The per-entity (py-analytics) reads of `Metrics` (documented there). */
export class EntityReads {
  constructor(private readonly a: StoreAccess) {}

  async getEntityMetrics(pairs: readonly EntityMetricPair[], options: EntityMetricsOptions = {}): Promise<EntitySeries[]> {
    const groupBy = options.groupBy ?? 'day';
    if (groupBy !== 'day' && groupBy !== 'week' && groupBy !== 'month') throw new ValidationError('invalid_granularity', `groupBy must be 'day', 'week' or 'month', got ${JSON.stringify(groupBy)}`);
    const checked = pairs.map(([entity, metric]) => [checkEntity(entity), checkName('metric', metric)] as const);
    const buckets = this.a.reader.forward(groupBy, options.since, options.limit, ENTITY_DEFAULT_LIMITS[groupBy]);
    await this.a.beforeRead();
    const values = await this.a.read(() => this.a.reader.read(checked.map(([e, m]) => this.a.layout.entityBase(e, m)), groupBy, buckets));
    const shared = buckets.map(toBucket);
    return checked.map(([entity, metric], i) => ({ entity, metric, granularity: groupBy, buckets: shared, values: values[i]!, total: sum(values[i]!) }));
  }

  async getCount(entity: string | number, metric: string, options: CountOptions = {}): Promise<number> {
    const [count] = await this.getCounts([[entity, metric]], options);
    return count!;
  }

  async getCounts(pairs: readonly EntityMetricPair[], options: CountOptions = {}): Promise<number[]> {
    const checked = pairs.map(([entity, metric]) => [checkEntity(entity), checkName('metric', metric)] as const);
    if (options.since === undefined && options.until === undefined) {
      const reads = checked.map(([entity, metric]) => ({ key: this.a.layout.countKey(entity), fields: [metric] }));
      await this.a.beforeRead();
      const replies = await this.a.read(() => this.a.store.readHashes(reads));
      return replies.map((reply) => reply[0] ?? 0);
    }
    if (options.since === undefined) throw new ValidationError('invalid_range', 'a count over a range needs `since` when `until` is given');
    const buckets = this.a.reader.range('day', options.since, options.until, undefined, 1);
    await this.a.beforeRead();
    const values = await this.a.read(() => this.a.reader.read(checked.map(([e, m]) => this.a.layout.entityBase(e, m)), 'day', buckets));
    return values.map(sum);
  }

  async syncAggregateMetric(entity: string | number, metric: string, options: CountOptions = {}): Promise<void> {
    const id = checkEntity(entity);
    checkName('metric', metric);
    const until = options.until === undefined ? this.a.clock() : toEpochMs(options.until, 'until');
    const since = options.since === undefined ? this.a.calendar.locate('month', until).start : toEpochMs(options.since, 'since');
    if (since > until) throw new ValidationError('invalid_range', `since (${new Date(since).toISOString()}) is after until (${new Date(until).toISOString()})`);
    const weeks = this.a.calendar.range('week', since, until, this.a.options.maxHistoryBuckets);
    const months = this.a.calendar.range('month', since, until, this.a.options.maxHistoryBuckets);
    const from = Math.min(weeks[0]!.start, months[0]!.start);
    const to = Math.max(weeks[weeks.length - 1]!.end, months[months.length - 1]!.end) - 1;
    const days = this.a.calendar.range('day', from, to, this.a.options.maxHistoryBuckets);
    await this.a.beforeWrite(); // the days must include every earlier write (setMetricByDay) whatever readYourWrites says
    const [values] = await this.a.read(() => this.a.reader.read([this.a.layout.entityBase(id, metric)], 'day', days));
    const totals = new Map<string, { key: string; field: string; value: number }>();
    for (const period of [...weeks, ...months]) {
      totals.set(`${period.granularity}:${period.label}`, { key: this.a.layout.entityKey(id, metric, period.granularity, period.container), field: period.field, value: 0 });
    }
    days.forEach((day, i) => {
      for (const g of ['week', 'month'] as const) {
        const total = totals.get(`${g}:${this.a.calendar.locate(g, day.start).label}`);
        if (total !== undefined) total.value += values![i]!;
      }
    });
    const ops: WriteOp[] = [...totals.values()].map((t) => ({ kind: 'hset', key: t.key, fields: [t.field], values: [t.value] }));
    await this.a.writeNow(ops);
  }
}
