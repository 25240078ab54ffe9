import type { FastifyInstance } from 'fastify';
import { buildOpenApi } from '../openapi.js';
import { errorResponses } from '../schemas.js';
import type { RouteContext } from './RouteContext.js';

const STATUS = { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } } } } as const;

async function ping(check: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return 'ok';
  } catch (error) {
    return `failing: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/** The one MongoDB call `/readyz` makes. */
interface AdminDb {
  db(name: string): { command(command: object): Promise<unknown> };
}

/** `/healthz`, `/readyz`, `/openapi.json` and `/metrics` (Prometheus). None needs a key. */
export function registerOpsRoutes(app: FastifyInstance, context: RouteContext, info: { title: string; version: string }, readyTimeoutMs: number): void {
  app.get('/healthz', { schema: { summary: 'The process is up', response: { 200: STATUS } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { summary: 'The stores answer (Redis, MongoDB)', response: { 200: STATUS, 503: STATUS } } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    const { metrics, events } = context.services;
    const redis = context.services.redis;
    const pending: Promise<void>[] = [];
    if (redis !== undefined) pending.push(ping(() => (redis as unknown as { ping(): Promise<unknown> }).ping(), readyTimeoutMs).then((r) => void (checks['redis'] = r)));
    else if (metrics !== undefined) checks['metrics'] = 'ok';
    if (events !== undefined) pending.push(ping(() => (events.client as unknown as AdminDb).db('admin').command({ ping: 1 }), readyTimeoutMs).then((r) => void (checks['mongo'] = r)));
    await Promise.all(pending);
    if (context.closing()) checks['server'] = 'failing: shutting down';
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });

  app.get('/openapi.json', { schema: { summary: 'This document (OpenAPI 3.1)' } }, async () => buildOpenApi(context.routes, info));

  app.get('/metrics', { schema: { summary: "The service's own counters (Prometheus text format)", response: errorResponses(500) } }, async (_request, reply) => {
    const text = await context.counters.registry.metrics();
    return reply.type(context.counters.registry.contentType).send(text);
  });
}
