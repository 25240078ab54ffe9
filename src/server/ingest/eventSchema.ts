/**
 * JSON Schema of one event in `POST /v1/events`: the single source of what an
 * event may hold. The route schema (and so the OpenAPI document) embeds it,
 * and the service validates each event against it on its own, so one bad
 * event is rejected alone while the others are kept.
 */
export const EVENT_SCHEMA = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, description: 'Dotted event name, e.g. `page.view`.' },
    data: { type: 'object', description: 'The event payload (any JSON object). Default `{}`.' },
    context: { type: 'object', description: 'Client context; the service adds `ingest` (key id, client ip, user agent) over it.' },
    timestamp: {
      type: ['string', 'number'],
      description: 'When it happened: ISO-8601 with a zone, or epoch ms; from 1971 to one hour ahead of the server clock. Default: now.',
    },
    id: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      description: 'A UUID chosen by the client: a retried request with the same ids stores each event once.',
    },
  },
} as const;

/** One event of a request, once it passed {@link EVENT_SCHEMA}. */
export interface EventInput {
  name: string;
  data?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp?: string | number;
  id?: string;
}
