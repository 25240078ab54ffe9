/** A route as Fastify registered it (from the `onRoute` hook). */
export interface RouteRecord {
  method: string;
  url: string;
  schema: Record<string, unknown> | undefined;
  /** The scope a route needs (`config.scope`), if any. */
  scope: string | undefined;
}

const BODY_TYPES = ['application/json', 'application/x-ndjson'];

function parameters(schema: unknown, where: 'query' | 'path'): unknown[] {
  const s = schema as { properties?: Record<string, Record<string, unknown>>; required?: string[] } | undefined;
  return Object.entries(s?.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: rest, ...(description === undefined ? {} : { description }) };
  });
}

/**
 * The OpenAPI 3.1 document of the registered routes, from their schemas
 * (`querystring`, `params`, `body`, `response`, `summary`) and scopes: the
 * same schemas Fastify validates and serialises with.
 */
export function buildOpenApi(routes: readonly RouteRecord[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.method === 'HEAD' || route.schema?.['hide'] === true) continue;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const schema = route.schema ?? {};
    const responses: Record<string, unknown> = {};
    for (const [status, body] of Object.entries((schema['response'] ?? {}) as Record<string, unknown>)) {
      const contentType = typeof body === 'object' && body !== null && 'content' in body ? undefined : 'application/json';
      responses[status] = { description: (body as { description?: string }).description ?? (status.startsWith('2') ? 'OK' : 'Error'), ...(contentType === undefined ? body as object : { content: { [contentType]: { schema: body } } }) };
    }
    const operation: Record<string, unknown> = {
      ...(schema['summary'] === undefined ? {} : { summary: schema['summary'] }),
      ...(schema['description'] === undefined ? {} : { description: schema['description'] }),
      parameters: [...parameters(schema['params'], 'path'), ...parameters(schema['querystring'], 'query')],
      responses: Object.keys(responses).length === 0 ? { 200: { description: 'OK' } } : responses,
    };
    if (schema['body'] !== undefined) operation['requestBody'] = { required: true, content: Object.fromEntries(BODY_TYPES.map((type) => [type, { schema: schema['body'] }])) };
    if (route.scope !== undefined) operation['security'] = [{ bearer: [route.scope] }];
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key with the `write` or `read` scope' } } },
    paths,
  };
}
