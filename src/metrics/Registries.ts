import type { WriteOp } from './CounterStore.js';
import { checkName } from './names.js';
import type { StoreAccess } from './StoreAccess.js';

/** The key under which `metricSlugsByCategory()` lists slugs of no category (django-redis-metrics' name). */
export const UNCATEGORIZED = 'Uncategorized';

/** The slug, category and gauge registries of `Metrics` and their deletes (documented there). */
export class Registries {
  constructor(private readonly a: StoreAccess) {}

  metricSlugs(): Promise<string[]> {
    return this.a.readSet(this.a.layout.slugsKey);
  }

  categories(): Promise<string[]> {
    return this.a.readSet(this.a.layout.categoriesKey);
  }

  categorySlugs(category: string): Promise<string[]> {
    return this.a.readSet(this.a.layout.categoryKey(checkName('category', category)));
  }

  async metricSlugsByCategory(): Promise<Record<string, string[]>> {
    const categories = await this.categories();
    const [sets, slugs] = await Promise.all([
      this.a.read(() => this.a.store.readSets(categories.map((c) => this.a.layout.categoryKey(c)))),
      this.a.read(() => this.a.store.readSets([this.a.layout.slugsKey])),
    ]);
    const byCategory = new Map(categories.map((c, i) => [c, sets[i]!]));
    const categorised = new Set(sets.flat());
    const rest = slugs[0]!.filter((slug) => !categorised.has(slug));
    // A category that happens to be named like the key keeps its slugs; the uncategorised ones join them.
    if (rest.length > 0) byCategory.set(UNCATEGORIZED, [...new Set([...(byCategory.get(UNCATEGORIZED) ?? []), ...rest])]);
    return Object.fromEntries([...byCategory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([c, members]) => [c, members.sort()]));
  }

  async deleteMetric(slug: string): Promise<void> {
    checkName('slug', slug);
    await this.a.beforeWrite();
    this.a.forgetSlug(slug);
    await this.a.read(async () => {
      await this.a.store.deleteByPrefix(this.a.layout.metricBase(slug));
      await this.a.store.deleteByPrefix(this.a.layout.uniqueBase(slug));
      await this.a.store.deleteByPrefix(this.a.layout.timingBase(slug));
    });
    const categories = await this.categories();
    await this.a.writeNow([
      { kind: 'srem', key: this.a.layout.slugsKey, members: [slug] },
      { kind: 'srem', key: this.a.layout.timingsKey, members: [slug] },
      ...categories.map((c): WriteOp => ({ kind: 'srem', key: this.a.layout.categoryKey(c), members: [slug] })),
    ]);
  }

  async deleteCategory(category: string): Promise<void> {
    checkName('category', category);
    await this.a.beforeWrite();
    await this.a.writeNow([
      { kind: 'del', key: this.a.layout.categoryKey(category) },
      { kind: 'srem', key: this.a.layout.categoriesKey, members: [category] },
    ]);
  }

  async resetCategory(category: string, slugs: readonly string[]): Promise<void> {
    checkName('category', category);
    for (const slug of slugs) checkName('slug', slug);
    await this.a.beforeWrite();
    const key = this.a.layout.categoryKey(category);
    await this.a.writeNow(
      slugs.length === 0
        ? [{ kind: 'del', key }, { kind: 'srem', key: this.a.layout.categoriesKey, members: [category] }]
        : [{ kind: 'del', key }, { kind: 'sadd', key, members: [...slugs] }, { kind: 'sadd', key: this.a.layout.categoriesKey, members: [category] }],
    );
  }

  async deleteGauge(slug: string): Promise<void> {
    checkName('slug', slug);
    await this.a.beforeWrite();
    await this.a.writeNow([
      { kind: 'del', key: this.a.layout.gaugeKey(slug) },
      { kind: 'srem', key: this.a.layout.gaugesKey, members: [slug] },
    ]);
  }

  async gaugeSlugs(): Promise<string[]> {
    return this.a.readSet(this.a.layout.gaugesKey);
  }
}
