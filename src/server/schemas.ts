// Shared pieces of the route schemas. The route schemas are the HTTP
// contract: Fastify validates and serialises with them, and /openapi.json is
// generated from them.

/** Every refusal: `{ error: { code, message } }` (`code` from `ERROR_CODES`). */
export const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** The error responses of a route, by status. */
export function errorResponses(...statuses: number[]): Record<number, typeof ERROR_SCHEMA> {
  return Object.fromEntries(statuses.map((status) => [status, ERROR_SCHEMA]));
}

/** An instant in a query string: ISO-8601 or epoch milliseconds. */
export const TIME_PARAM = { type: 'string', description: 'ISO-8601 instant or epoch milliseconds' } as const;

export const GRANULARITY_PARAM = { type: 'string', enum: ['second', 'minute', 'hour', 'day', 'week', 'month', 'year'] } as const;

export const BUCKET_SCHEMA = {
  type: 'object',
  properties: { label: { type: 'string' }, start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } },
} as const;

export const TRACKED_EVENT_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time' },
    context: { type: 'object', additionalProperties: true },
    data: { type: 'object', additionalProperties: true },
  },
} as const;

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
    /** More words for the OpenAPI document. */
    description?: string;
  }
}
