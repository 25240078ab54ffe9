import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resolveClientIp } from '../../integrations/clientIp.js';
import type { ApiKey } from '../auth.js';
import { httpError } from '../HttpError.js';
import { EVENT_SCHEMA } from '../ingest/eventSchema.js';
import type { IngestContext } from '../ingest/Ingestor.js';
import { parseEvents } from '../ingest/parseEvents.js';
import { errorResponses } from '../schemas.js';
import type { RouteContext } from './RouteContext.js';

const RESULT_SCHEMA = {
  type: 'object',
  required: ['accepted', 'rejected'],
  properties: {
    accepted: { type: 'integer' },
    rejected: {
      type: 'array',
      items: { type: 'object', properties: { index: { type: 'integer' }, reason: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as const;

/** The parsed body the content-type parsers hand to the route. */
export interface RawEvents {
  body: Buffer;
  ndjson: boolean;
}

/** Total queued events of the fullest backend. */
function fullestQueue(context: RouteContext): number {
  let most = 0;
  for (const stats of Object.values(context.services.tracker.stats().backends)) if (stats.queued > most) most = stats.queued;
  return most;
}

/** `POST /v1/events`. */
export function registerIngestRoute(app: FastifyInstance, context: RouteContext): void {
  app.post(
    '/v1/events',
    {
      config: { scope: 'write' },
      // The body schema documents the contract; each event is validated on its own (EVENT_SCHEMA), so one bad event does not fail the batch.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Send events',
        description:
          'A JSON object `{ "events": [...] }`, a bare JSON array, or NDJSON (`application/x-ndjson`, one event per line); `Content-Encoding: gzip` allowed. ' +
          'Each event is checked alone: 200 when at least one was accepted, 400 when none was, with the rejected ones listed by index.',
        body: {
          anyOf: [
            { type: 'object', required: ['events'], properties: { events: { type: 'array', items: EVENT_SCHEMA } } },
            { type: 'array', items: EVENT_SCHEMA },
          ],
        },
        response: { 200: RESULT_SCHEMA, 400: { anyOf: [RESULT_SCHEMA, errorResponses(400)[400]] }, ...errorResponses(401, 403, 413, 415, 429, 503) },
      },
      onRequest: async () => {
        if (context.closing()) throw httpError('shutting-down', 'the service is shutting down', { retryAfter: context.limits.retryAfterSeconds });
        // Backpressure: refuse before reading the body rather than queue what the backends cannot take.
        if (fullestQueue(context) > context.limits.queueHighWater) {
          throw httpError('overloaded', `the tracker's queues are above their high-water mark (${context.limits.queueHighWater} events); retry later`, {
            retryAfter: context.limits.retryAfterSeconds,
          });
        }
      },
    },
    async (request: FastifyRequest, reply) => {
      const raw = request.body as RawEvents | undefined;
      if (raw === undefined || raw.body.length === 0) throw httpError('no-events', 'the body is empty');
      const { items, rejected } = parseEvents(raw.body, raw.ndjson, context.limits.eventsPerRequest);
      if (items.length === 0) throw httpError('no-events', 'the request holds no events');
      const key = (request as FastifyRequest & { apiKey: ApiKey }).apiKey;
      const ingest: IngestContext = { key: key.id };
      const ip = resolveClientIp(request.raw.socket.remoteAddress, headerOf(request, 'x-forwarded-for'), 'x-forwarded-for', context.trust);
      if (ip !== undefined) ingest.ip = ip;
      const userAgent = headerOf(request, 'user-agent');
      if (userAgent !== undefined) ingest.userAgent = userAgent;
      const result = context.ingestor.ingest(items, rejected, ingest);
      context.counters.batch(key.id, items.length, result.accepted, result.rejected);
      return reply.code(result.accepted > 0 ? 200 : 400).send(result);
    },
  );
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
