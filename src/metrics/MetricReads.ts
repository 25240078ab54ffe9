import { sum, toBucket } from './HistoryReader.js';
import { checkName } from './names.js';
import type { StoreAccess } from './StoreAccess.js';
import type { AggregateHistory, MetricHistory, MetricValues, RangeOptions, SlugValues, UniqueRangeOptions } from './types.js';

/** The counter, unique-count and gauge reads of `Metrics` (documented there). */
export class MetricReads {
  constructor(private readonly a: StoreAccess) {}

  async getMetrics(slugs: readonly string[]): Promise<SlugValues[]> {
    for (const slug of slugs) checkName('slug', slug);
    await this.a.beforeRead();
    const now = this.a.clock();
    const located = this.a.options.granularities.map((g) => this.a.calendar.locate(g, now));
    const reads = slugs.flatMap((slug) => located.map((b) => ({ key: this.a.layout.metricKey(slug, b.granularity, b.container), fields: [b.field] })));
    const replies = await this.a.read(() => this.a.store.readHashes(reads));
    return slugs.map((slug, s) => {
      const values: MetricValues = {};
      located.forEach((b, i) => {
        values[b.granularity] = replies[s * located.length + i]![0] ?? 0;
      });
      return { slug, values };
    });
  }

  async getMetricHistory(slugs: string | readonly string[], options: RangeOptions = {}): Promise<MetricHistory> {
    const list = typeof slugs === 'string' ? [slugs] : [...slugs];
    for (const slug of list) checkName('slug', slug);
    const granularity = this.a.storedGranularity(options.granularity, this.a.options.granularities);
    const buckets = this.a.reader.range(granularity, options.since, options.until, options.limit, 30);
    await this.a.beforeRead();
    const values = await this.a.read(() => this.a.reader.read(list.map((s) => this.a.layout.metricBase(s)), granularity, buckets));
    return {
      granularity,
      buckets: buckets.map(toBucket),
      series: list.map((slug, i) => ({ slug, values: values[i]!, total: sum(values[i]!) })),
    };
  }

  async getMetricHistoryAsColumns(slugs: string | readonly string[], options: RangeOptions = {}): Promise<(string | number)[][]> {
    const history = await this.getMetricHistory(slugs, options);
    const rows: (string | number)[][] = [['Period', ...history.series.map((s) => s.slug)]];
    history.buckets.forEach((bucket, i) => rows.push([bucket.label, ...history.series.map((s) => s.values[i]!)]));
    return rows;
  }

  async getAggregateHistory(slugs: readonly string[], options: RangeOptions = {}): Promise<AggregateHistory> {
    const history = await this.getMetricHistory(slugs, options);
    const values = history.buckets.map((_, i) => sum(history.series.map((s) => s.values[i]!)));
    return { granularity: history.granularity, slugs: [...slugs], buckets: history.buckets, values, total: sum(values) };
  }

  async getUnique(slug: string, options: UniqueRangeOptions = {}): Promise<number> {
    checkName('slug', slug);
    const granularity = this.a.storedGranularity(options.granularity, this.a.options.uniqueGranularities, 'uniqueGranularities');
    const buckets = this.a.reader.range(granularity, options.since, options.until, options.limit, 1);
    await this.a.beforeRead();
    const keys = buckets.map((b) => this.a.layout.uniqueKey(slug, granularity, b.container, b.field));
    return this.a.read(() => this.a.store.countUnique(keys));
  }

  async getGauge(slug: string): Promise<number | undefined> {
    checkName('slug', slug);
    await this.a.beforeRead();
    const [value] = await this.a.read(() => this.a.store.readStrings([this.a.layout.gaugeKey(slug)]));
    return value === null || value === undefined ? undefined : Number(value);
  }
}
