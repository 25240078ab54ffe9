import type { FastifyInstance } from 'fastify';
import type { MongoEventStore } from '../../backends/mongodb/MongoEventStore.js';
import type { RollupGranularity } from '../../backends/mongodb/timeBuckets.js';
import type { Metrics } from '../../metrics/Metrics.js';
import type { RangeOptions } from '../../metrics/types.js';
import type { Granularity } from '../../time/granularity.js';
import { httpError } from '../HttpError.js';
import { BUCKET_SCHEMA, errorResponses, GRANULARITY_PARAM, TIME_PARAM, TRACKED_EVENT_SCHEMA } from '../schemas.js';
import type { RouteContext } from './RouteContext.js';

const READ_ERRORS = errorResponses(400, 401, 403, 404, 429);
const RANGE_QUERY = {
  granularity: GRANULARITY_PARAM,
  since: TIME_PARAM,
  until: TIME_PARAM,
  limit: { type: 'integer', minimum: 1, description: 'Buckets when `since` is omitted (default 30)' },
} as const;

/** An instant of a query string: digits are epoch ms, anything else ISO-8601. */
export function parseTime(field: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = /^-?\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  if (Number.isNaN(date.getTime())) throw httpError('invalid-query', `${field}: expected an ISO-8601 instant or epoch milliseconds, got ${JSON.stringify(value)}`);
  return date;
}

function rangeOf(query: { granularity?: string; since?: string; until?: string; limit?: number }): RangeOptions {
  const since = parseTime('since', query.since);
  const until = parseTime('until', query.until);
  return {
    ...(query.granularity === undefined ? {} : { granularity: query.granularity as Granularity }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  };
}

/** NaN (no samples) as null, since JSON has no NaN; arrays and percentile maps alike. */
function jsonNumbers<T extends object>(value: T): T {
  const fix = (v: unknown): unknown => (typeof v === 'number' && Number.isNaN(v) ? null : Array.isArray(v) ? v.map(fix) : v);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)])) : fix(v);
  }
  return out as T;
}

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The read API (read scope): metrics, gauges, uniques, events, rollups — the SDK's own results as JSON. */
export function registerReadRoutes(app: FastifyInstance, context: RouteContext): void {
  const metrics = (): Metrics => {
    if (context.services.metrics === undefined) throw httpError('not-configured', 'no `metrics` in the service configuration');
    return context.services.metrics;
  };
  const events = (): MongoEventStore => {
    if (context.services.events === undefined) throw httpError('not-configured', 'no `mongo` event store in the service configuration');
    return context.services.events;
  };
  const config = { scope: 'read' };

  app.get('/v1/metrics', {
    config,
    schema: {
      summary: 'Metric slugs and categories',
      response: {
        200: { type: 'object', properties: { slugs: { type: 'array', items: { type: 'string' } }, categories: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } } },
        ...READ_ERRORS,
      },
    },
  }, async () => {
    const m = metrics();
    const [slugs, categories] = await Promise.all([m.metricSlugs(), m.metricSlugsByCategory()]);
    return { slugs, categories };
  });

  app.get('/v1/metrics/history', {
    config,
    schema: {
      summary: 'History of metrics',
      description: '`format=series` (default): `getMetricHistory`; `columns`: `getMetricHistoryAsColumns`; `aggregate`: `getAggregateHistory` (the sum of the slugs).',
      querystring: {
        type: 'object',
        required: ['slugs'],
        additionalProperties: false,
        properties: { slugs: { type: 'string', minLength: 1, description: 'Comma-separated slugs' }, ...RANGE_QUERY, format: { type: 'string', enum: ['series', 'columns', 'aggregate'] } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            granularity: { type: 'string' },
            buckets: { type: 'array', items: BUCKET_SCHEMA },
            series: { type: 'array', items: { type: 'object', properties: { slug: { type: 'string' }, values: { type: 'array', items: { type: 'number' } }, total: { type: 'number' } } } },
            slugs: { type: 'array', items: { type: 'string' } },
            values: { type: 'array', items: { type: 'number' } },
            total: { type: 'number' },
            columns: { type: 'array', items: { type: 'array', items: { type: ['string', 'number'] } } },
          },
        },
        ...READ_ERRORS,
      },
    },
  }, async (request) => {
    const query = request.query as { slugs: string; format?: string; granularity?: string; since?: string; until?: string; limit?: number };
    const slugs = listOf(query.slugs);
    const range = rangeOf(query);
    if (query.format === 'columns') return { columns: await metrics().getMetricHistoryAsColumns(slugs, range) };
    if (query.format === 'aggregate') return metrics().getAggregateHistory(slugs, range);
    return metrics().getMetricHistory(slugs, range);
  });

  app.get('/v1/gauges', {
    config,
    schema: {
      summary: 'Every gauge and its value',
      response: { 200: { type: 'object', properties: { gauges: { type: 'array', items: { type: 'object', properties: { slug: { type: 'string' }, value: { type: ['number', 'null'] } } } } } }, ...READ_ERRORS },
    },
  }, async () => {
    const m = metrics();
    const slugs = await m.gaugeSlugs();
    const values = await Promise.all(slugs.map((slug) => m.getGauge(slug)));
    return { gauges: slugs.map((slug, i) => ({ slug, value: values[i] ?? null })) };
  });

  const PERCENTILES_PARAM = { type: 'string', pattern: '^\\d+(\\.\\d+)?(,\\d+(\\.\\d+)?)*$', description: 'Comma-separated percentiles, 0–100 (default 50,95,99)' } as const;
  const percentilesOf = (value: string | undefined): number[] | undefined => {
    const list = listOf(value).map(Number);
    if (list.some((p) => !(p >= 0 && p <= 100))) throw httpError('invalid-query', `percentiles: expected numbers from 0 to 100, got ${JSON.stringify(value)}`);
    return list.length === 0 ? undefined : list;
  };
  const NUMBERS = { type: 'array', items: { type: ['number', 'null'] } } as const;

  app.get('/v1/timings', {
    config,
    schema: { summary: 'Timing slugs', response: { 200: { type: 'object', properties: { slugs: { type: 'array', items: { type: 'string' } } } }, ...READ_ERRORS } },
  }, async () => ({ slugs: await metrics().timingSlugs() }));

  app.get('/v1/timings/history', {
    config,
    schema: {
      summary: 'Timings per bucket: count, sum, min, max, mean and percentiles (`getTimingHistory`; null where a bucket has no samples)',
      querystring: {
        type: 'object',
        required: ['slugs'],
        additionalProperties: false,
        properties: { slugs: { type: 'string', minLength: 1, description: 'Comma-separated slugs' }, ...RANGE_QUERY, percentiles: PERCENTILES_PARAM },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            granularity: { type: 'string' },
            buckets: { type: 'array', items: BUCKET_SCHEMA },
            series: {
              type: 'array',
              items: {
                type: 'object',
                properties: { slug: { type: 'string' }, count: NUMBERS, sum: NUMBERS, min: NUMBERS, max: NUMBERS, mean: NUMBERS, percentiles: { type: 'object', additionalProperties: NUMBERS } },
              },
            },
          },
        },
        ...READ_ERRORS,
      },
    },
  }, async (request) => {
    const query = request.query as { slugs: string; percentiles?: string; granularity?: string; since?: string; until?: string; limit?: number };
    const percentiles = percentilesOf(query.percentiles);
    const history = await metrics().getTimingHistory(listOf(query.slugs), { ...rangeOf(query), ...(percentiles === undefined ? {} : { percentiles }) });
    return { ...history, series: history.series.map((series) => jsonNumbers(series)) };
  });

  app.get('/v1/timings/:slug/summary', {
    config,
    schema: {
      summary: 'Timings of a slug over a whole range, merged from its buckets (`getTimingSummary`)',
      params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', minLength: 1 } } },
      querystring: { type: 'object', required: ['since'], additionalProperties: false, properties: { since: TIME_PARAM, until: TIME_PARAM, percentiles: PERCENTILES_PARAM } },
      response: {
        200: {
          type: 'object',
          properties: {
            slug: { type: 'string' },
            start: { type: 'string', format: 'date-time' },
            end: { type: 'string', format: 'date-time' },
            buckets: { type: 'array', items: { type: 'object', properties: { granularity: { type: 'string' }, label: { type: 'string' } } } },
            count: { type: 'number' },
            sum: { type: 'number' },
            min: { type: ['number', 'null'] },
            max: { type: ['number', 'null'] },
            mean: { type: ['number', 'null'] },
            percentiles: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
          },
        },
        ...READ_ERRORS,
      },
    },
  }, async (request) => {
    const { slug } = request.params as { slug: string };
    const query = request.query as { since: string; until?: string; percentiles?: string };
    const since = parseTime('since', query.since)!;
    const until = parseTime('until', query.until);
    const percentiles = percentilesOf(query.percentiles);
    const summary = await metrics().getTimingSummary(slug, { since, ...(until === undefined ? {} : { until }), ...(percentiles === undefined ? {} : { percentiles }) });
    return jsonNumbers(summary);
  });

  app.get('/v1/uniques/:slug', {
    config,
    schema: {
      summary: 'Distinct members of a unique counter over a range',
      params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', minLength: 1 } } },
      querystring: { type: 'object', additionalProperties: false, properties: RANGE_QUERY },
      response: { 200: { type: 'object', properties: { slug: { type: 'string' }, count: { type: 'number' } } }, ...READ_ERRORS },
    },
  }, async (request) => {
    const { slug } = request.params as { slug: string };
    return { slug, count: await metrics().getUnique(slug, rangeOf(request.query as never)) };
  });

  app.get('/v1/events', {
    config,
    schema: {
      summary: 'Stored events, a page at a time',
      description: 'Pass `next` back as `after` for the following page. `where` is a JSON object of `{ "context.path" | "data.path": value }` equalities.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string', description: 'Comma-separated event names' },
          since: TIME_PARAM,
          until: TIME_PARAM,
          limit: { type: 'integer', minimum: 0, maximum: 1000, default: 100 },
          after: { type: 'string' },
          sort: { type: 'string', enum: ['asc', 'desc'] },
          where: { type: 'string', description: 'JSON object, e.g. {"context.user_id":7}' },
        },
      },
      response: { 200: { type: 'object', properties: { events: { type: 'array', items: TRACKED_EVENT_SCHEMA }, next: { type: ['string', 'null'] } } }, ...READ_ERRORS },
    },
  }, async (request) => {
    const query = request.query as { name?: string; since?: string; until?: string; limit: number; after?: string; sort?: 'asc' | 'desc'; where?: string };
    let where: unknown;
    if (query.where !== undefined) {
      try {
        where = JSON.parse(query.where);
      } catch {
        throw httpError('invalid-query', 'where: expected a JSON object such as {"context.user_id":7}');
      }
    }
    const names = listOf(query.name);
    const since = parseTime('since', query.since);
    const until = parseTime('until', query.until);
    const page = await events().findPage({
      ...(names.length === 0 ? {} : { names }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      ...(where === undefined ? {} : { where: where as never }),
      ...(query.after === undefined ? {} : { after: query.after }),
      ...(query.sort === undefined ? {} : { sort: query.sort }),
      limit: query.limit,
    });
    return { events: page.events, next: page.next ?? null };
  });

  app.get('/v1/rollups', {
    config,
    schema: {
      summary: 'Event totals per calendar bucket and group',
      querystring: {
        type: 'object',
        required: ['granularity'],
        additionalProperties: false,
        properties: {
          granularity: { type: 'string', enum: ['day', 'week', 'month', 'year'] },
          groupBy: { type: 'string', description: '`name` (default) or a `context.`/`data.` path' },
          name: { type: 'string', description: 'Comma-separated event names' },
          since: TIME_PARAM,
          until: TIME_PARAM,
          timeZone: { type: 'string' },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            rows: { type: 'array', items: { type: 'object', properties: { bucket: { type: 'string', format: 'date-time' }, label: { type: 'string' }, key: {}, count: { type: 'integer' } } } },
          },
        },
        ...READ_ERRORS,
      },
    },
  }, async (request) => {
    const query = request.query as { granularity: RollupGranularity; groupBy?: string; name?: string; since?: string; until?: string; timeZone?: string };
    const names = listOf(query.name);
    const since = parseTime('since', query.since);
    const until = parseTime('until', query.until);
    const rows = await events().rollup({
      granularity: query.granularity,
      ...(query.groupBy === undefined ? {} : { groupBy: query.groupBy }),
      ...(names.length === 0 ? {} : { names }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      ...(query.timeZone === undefined ? {} : { timeZone: query.timeZone }),
    });
    return { rows };
  });
}
