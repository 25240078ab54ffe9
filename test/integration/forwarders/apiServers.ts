// Local stand-ins for the APIs the forwarding backends talk to, each
// implementing its documented contract (RESEARCH.md, "Ingestion APIs users
// already know"): auth → 401, limits → 413/400, Mixpanel strict mode's
// failed_records, gzip bodies, and injected faults (429 with Retry-After, 503).
// They listen on 127.0.0.1 only, and dedupe by $insert_id / messageId as the
// real services do, counting duplicates so tests can see retries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A fault answered instead of processing the next request. */
export interface Fault {
  status: number;
  retryAfter?: string;
  body?: string;
}

export interface RequestRecord {
  /** Uncompressed body bytes. */
  bytes: number;
  /** Bytes on the wire. */
  wireBytes: number;
  count: number;
  gzip: boolean;
  status: number;
  at: number;
  headers: IncomingMessage['headers'];
}

export interface ApiServer {
  url: string;
  /** Accepted events by id (insert id / message id), first copy kept. */
  events: Map<string, Record<string, unknown>>;
  /** How many times an already stored id arrived again. */
  duplicates: number;
  requests: RequestRecord[];
  faults: Fault[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<{ raw: Buffer; body: Buffer; gzip: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const gzip = req.headers['content-encoding'] === 'gzip';
      try {
        resolve({ raw, body: gzip ? gunzipSync(raw) : raw, gzip });
      } catch (error) {
        reject(error);
      }
    });
  });
}

function basicUser(req: IncomingMessage): [string, string] | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ') !== true) return undefined;
  const text = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const at = text.indexOf(':');
  return at < 0 ? undefined : [text.slice(0, at), text.slice(at + 1)];
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function start(
  handle: (req: IncomingMessage, res: ServerResponse, server: ApiServer) => Promise<void>,
): Promise<ApiServer> {
  const state: ApiServer = { url: '', events: new Map(), duplicates: 0, requests: [], faults: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    handle(req, res, state).catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}

function fault(state: ApiServer, res: ServerResponse): boolean {
  const next = state.faults.shift();
  if (next === undefined) return false;
  res.writeHead(next.status, { 'content-type': 'application/json', ...(next.retryAfter === undefined ? {} : { 'retry-after': next.retryAfter }) });
  res.end(next.body ?? JSON.stringify({ error: `injected ${next.status}` }));
  return true;
}

/** Mixpanel `/import`: ≤ 2 000 events, ≤ 10 MB uncompressed, strict mode validation. */
export function mixpanelServer(auth: { token?: string; serviceAccount?: { username: string; secret: string; projectId: string } }): Promise<ApiServer> {
  return start(async (req, res, state) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const { raw, body, gzip } = await readBody(req);
    const record: RequestRecord = { bytes: body.length, wireBytes: raw.length, count: 0, gzip, status: 200, at: Date.now(), headers: req.headers };
    state.requests.push(record);
    const answer = (status: number, payload: unknown, headers?: Record<string, string>) => {
      record.status = status;
      json(res, status, payload, headers);
    };
    if (req.method !== 'POST' || url.pathname !== '/import') return answer(404, { error: 'not found' });
    const user = basicUser(req);
    const ok = auth.serviceAccount === undefined
      ? user?.[0] === auth.token
      : user?.[0] === auth.serviceAccount.username && user[1] === auth.serviceAccount.secret && url.searchParams.get('project_id') === auth.serviceAccount.projectId;
    if (!ok) return answer(401, { code: 401, error: 'Invalid credentials', status: 'error' });
    if (body.length > 10_000_000) return answer(413, { code: 413, error: 'request body too large', status: 'error' });
    if (fault(state, res)) return void (record.status = -1);
    const records = JSON.parse(body.toString('utf8')) as Array<{ event?: unknown; properties?: Record<string, unknown> }>;
    record.count = records.length;
    if (records.length > 2_000) return answer(400, { code: 400, error: 'too many records: at most 2000 per request', status: 'Bad Request' });
    const strict = url.searchParams.get('strict') === '1';
    const failed: Array<{ index: number; $insert_id: unknown; field: string; message: string }> = [];
    const now = Date.now();
    records.forEach((r, index): void => {
      const p = r.properties ?? {};
      const insertId = p['$insert_id'];
      const fail = (field: string, message: string): void => void failed.push({ index, $insert_id: insertId, field, message });
      if (typeof r.event !== 'string' || r.event === '') return fail('event', "'event' must be a non-empty string");
      if (typeof insertId !== 'string' || !/^[A-Za-z0-9-]{1,36}$/.test(insertId)) return fail('properties.$insert_id', "'$insert_id' must be a string of up to 36 characters [A-Za-z0-9-]");
      if (typeof p['distinct_id'] !== 'string') return fail('properties.distinct_id', "'distinct_id' must be a string");
      const time = p['time'];
      if (typeof time !== 'number' || time < 31_536_000_000 || time > now + 3_600_000) return fail('properties.time', "'properties.time' is invalid: must be after 1971-01-01 and not more than 1 hour in the future");
      if (Object.keys(p).length > 255) return fail('properties', 'too many properties: at most 255');
      if (state.events.has(insertId)) state.duplicates++;
      else state.events.set(insertId, r as Record<string, unknown>);
    });
    if (strict && failed.length > 0) {
      return answer(400, { code: 400, error: 'some data points in the request failed validation', failed_records: failed, num_records_imported: records.length - failed.length, status: 'Bad Request' });
    }
    return answer(200, { code: 200, num_records_imported: records.length - failed.length, status: 'OK' });
  });
}

/** Segment `/v1/batch`: ≤ 500 KB per request, ≤ 32 KB per message, userId or anonymousId required. */
export function segmentServer(writeKey: string): Promise<ApiServer> {
  return start(async (req, res, state) => {
    const { raw, body, gzip } = await readBody(req);
    const record: RequestRecord = { bytes: body.length, wireBytes: raw.length, count: 0, gzip, status: 200, at: Date.now(), headers: req.headers };
    state.requests.push(record);
    const answer = (status: number, payload: unknown) => {
      record.status = status;
      json(res, status, payload);
    };
    if (req.method !== 'POST' || req.url !== '/v1/batch') return answer(404, { error: 'not found' });
    if (basicUser(req)?.[0] !== writeKey) return answer(401, { success: false, message: 'Invalid write key' });
    if (body.length > 500 * 1024) return answer(400, { success: false, message: 'request entity too large: batch must be under 500KB' });
    if (fault(state, res)) return void (record.status = -1);
    const { batch } = JSON.parse(body.toString('utf8')) as { batch: Array<Record<string, unknown>> };
    record.count = batch.length;
    for (const message of batch) {
      if (Buffer.byteLength(JSON.stringify(message)) > 32 * 1024) return answer(400, { success: false, message: 'message too large: must be under 32KB' });
      if (message['type'] !== 'track' || typeof message['event'] !== 'string') return answer(400, { success: false, message: 'invalid track call' });
      if (typeof message['userId'] !== 'string' && typeof message['anonymousId'] !== 'string') return answer(400, { success: false, message: 'userId or anonymousId is required' });
    }
    for (const message of batch) {
      const id = message['messageId'] as string;
      if (state.events.has(id)) state.duplicates++;
      else state.events.set(id, message);
    }
    return answer(200, {});
  });
}

/** A webhook receiver: keeps each request's raw (decoded) body and headers; events deduped by `id`. */
export function webhookServer(): Promise<ApiServer & { bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  return start(async (req, res, state) => {
    const { raw, body, gzip } = await readBody(req);
    const record: RequestRecord = { bytes: body.length, wireBytes: raw.length, count: 0, gzip, status: 200, at: Date.now(), headers: req.headers };
    state.requests.push(record);
    if (fault(state, res)) return void (record.status = -1);
    bodies.push(body);
    const text = body.toString('utf8');
    const events = req.headers['content-type'] === 'application/x-ndjson'
      ? text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>)
      : JSON.parse(text) as Array<Record<string, unknown>>;
    record.count = events.length;
    for (const event of events) {
      const id = event['id'] as string;
      if (state.events.has(id)) state.duplicates++;
      else state.events.set(id, event);
    }
    res.writeHead(204).end();
  }).then((server) => Object.assign(server, { bodies }));
}
