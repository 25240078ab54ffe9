import { promisify } from 'node:util';
import type * as zlib from 'node:zlib';
import { builtin } from '../../event/builtin.js';
import { checkInteger } from '../../config/checkInteger.js';
import { ConfigurationError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import type { Backend } from '../Backend.js';
import { serializeEvent } from '../logger/serializeEvent.js';
import { deliverRequests } from './deliverRequests.js';
import { HttpClient } from './HttpClient.js';
import { prepareRequests } from './prepareRequests.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';

const gzip = (body: string): Promise<Buffer> => promisify(builtin<typeof zlib>('node:zlib').gzip)(body);

/** How a webhook body holds its events. */
export type HttpBodyFormat = 'json' | 'ndjson';

/** Options of {@link HttpBackend}. */
export interface HttpBackendOptions {
  /** Where batches are posted (`http://` or `https://`). Required. */
  url: string;
  /** `'json'` (default): a JSON array of events; `'ndjson'`: one event per line, each ending in `\n`. */
  format?: HttpBodyFormat;
  /** Compress bodies (`content-encoding: gzip`). Default `false`. */
  gzip?: boolean;
  /** Headers added to every request (e.g. `authorization`). Default none. */
  headers?: Record<string, string>;
  /** When set, every request carries `x-eventtrack-signature` (see `verifySignature`). Default none. */
  signingSecret?: string;
  /** Most bytes of one (uncompressed) body; a bigger batch is split, a bigger event rejected. Default 5 000 000. */
  maxRequestBytes?: number;
  /** Most events in one request; a bigger batch is split. Default 10 000. */
  maxEventsPerRequest?: number;
}

/** The defaults of {@link HttpBackendOptions}. */
export const DEFAULT_HTTP_BACKEND_OPTIONS = Object.freeze({
  format: 'json' as HttpBodyFormat,
  gzip: false,
  maxRequestBytes: 5_000_000,
  maxEventsPerRequest: 10_000,
});

/**
 * Posts batches of events to a webhook: each event as the logger writes it
 * (`{"id","name","timestamp","context","data"}`), in a JSON array or as
 * NDJSON, optionally gzipped and signed with
 * `x-eventtrack-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * (over the uncompressed body). A 2xx accepts the request; 408, 429 and 5xx
 * answers and network errors are retried by the delivery layer (no sooner
 * than the server's `Retry-After`); other answers drop the request's events
 * as `rejected`. Receivers dedupe retries by event `id`.
 */
export class HttpBackend implements Backend {
  private readonly client: HttpClient;
  private readonly format: HttpBodyFormat;
  private readonly gzip: boolean;
  private readonly headers: Record<string, string>;
  private readonly secret: string | undefined;
  private readonly maxRequestBytes: number;
  private readonly maxEventsPerRequest: number;

  constructor(options: HttpBackendOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('url', 'HttpBackend needs { url }');
    const o = { ...DEFAULT_HTTP_BACKEND_OPTIONS, ...options };
    if (o.format !== 'json' && o.format !== 'ndjson') throw new ConfigurationError('format', `expected 'json' or 'ndjson', got ${JSON.stringify(o.format)}`);
    if (typeof o.gzip !== 'boolean') throw new ConfigurationError('gzip', 'expected true or false');
    if (o.signingSecret !== undefined && (typeof o.signingSecret !== 'string' || o.signingSecret === '')) {
      throw new ConfigurationError('signingSecret', 'expected a non-empty string');
    }
    if (o.headers !== undefined && (typeof o.headers !== 'object' || o.headers === null || Object.values(o.headers).some((v) => typeof v !== 'string'))) {
      throw new ConfigurationError('headers', 'expected an object of string values');
    }
    this.maxRequestBytes = checkInteger('maxRequestBytes', o.maxRequestBytes, { min: 64 });
    this.maxEventsPerRequest = checkInteger('maxEventsPerRequest', o.maxEventsPerRequest, { min: 1 });
    this.client = new HttpClient(o.url);
    this.format = o.format;
    this.gzip = o.gzip;
    this.secret = o.signingSecret;
    const ndjson = o.format === 'ndjson';
    this.headers = {
      ...o.headers,
      'content-type': ndjson ? 'application/x-ndjson' : 'application/json',
      ...(o.gzip ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  async send(events: readonly TrackedEvent[]): Promise<void> {
    const ndjson = this.format === 'ndjson';
    const batch = prepareRequests(
      events,
      ndjson ? serializeEvent : (event) => serializeEvent(event).slice(0, -1),
      { maxCount: this.maxEventsPerRequest, maxBytes: this.maxRequestBytes, overheadBytes: ndjson ? 0 : 2, separatorBytes: ndjson ? 0 : 1 },
      this.maxRequestBytes,
      'webhook',
    );
    await deliverRequests(batch.requests, async (indices) => {
      const texts = indices.map((index) => batch.texts[index]!);
      const body = ndjson ? texts.join('') : `[${texts.join(',')}]`;
      const headers = this.secret === undefined ? this.headers : { ...this.headers, [SIGNATURE_HEADER]: signBody(this.secret, body) };
      await this.client.post('', this.gzip ? await gzip(body) : Buffer.from(body), headers);
    }, batch.rejected);
  }

  /** Closes the connections (aborting requests still in flight). */
  close(): void {
    this.client.close();
  }
}
