import type { Agent as HttpAgent, request as httpRequest, IncomingHttpHeaders, ClientRequest } from 'node:http';
import type * as http from 'node:http';
import type * as nodeHttps from 'node:https';
import { builtin } from '../../event/builtin.js';
import { ConfigurationError, HttpStatusError } from '../../errors.js';
import { parseRetryAfter } from './retryAfter.js';

/** Bytes of a response body kept for reports; the rest is read and discarded. */
const MAX_KEPT_BODY = 1_048_576;

/** A 2xx answer. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body (its first MB). */
  readonly body: string;
}

/**
 * One keep-alive HTTP(S) client per backend, on `node:http`/`node:https`
 * (no dependency; its own connection pool, closed with the backend). It only
 * posts bodies: a 2xx resolves, another status rejects with an
 * {@link HttpStatusError} (retryable or not, with the server's
 * `Retry-After`), a network failure rejects with the socket's error (which
 * the delivery layer retries). Timeouts are the delivery layer's
 * `sendTimeoutMs`; `close` aborts what is still in flight.
 */
export class HttpClient {
  readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly pending = new Set<ClientRequest>();

  /** @throws ConfigurationError naming `option` when `url` is not an http(s) URL. */
  constructor(url: unknown, option = 'url') {
    let base: URL;
    try {
      base = new URL(String(url));
    } catch {
      throw new ConfigurationError(option, `expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
    }
    if (typeof url !== 'string' || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
      throw new ConfigurationError(option, `expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
    }
    this.base = base;
    const https = base.protocol === 'https:';
    const node = https ? builtin<typeof nodeHttps>('node:https') : builtin<typeof http>('node:http');
    this.agent = new node.Agent({ keepAlive: true });
    this.send = node.request as typeof httpRequest;
  }

  /** Posts `body` to `path` (relative to the base URL's path, with its query). */
  post(path: string, body: Buffer, headers: Record<string, string>): Promise<HttpResponse> {
    const target = new URL(this.base.href.replace(/\/+$/, '') + path);
    return new Promise((resolve, reject) => {
      const req = this.send(
        target,
        { method: 'POST', agent: this.agent, headers: { ...headers, 'content-length': String(body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept < MAX_KEPT_BODY) {
              chunks.push(chunk);
              kept += chunk.length;
            }
          });
          res.on('error', reject);
          res.on('end', () => {
            this.pending.delete(req);
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).subarray(0, MAX_KEPT_BODY).toString('utf8');
            if (status >= 200 && status < 300) resolve({ status, headers: res.headers, body: text });
            else reject(new HttpStatusError(status, text, { retryAfterMs: parseRetryAfter(res.headers['retry-after']), url: `${target.origin}${target.pathname}` }));
          });
        },
      );
      this.pending.add(req);
      req.on('error', (error) => {
        this.pending.delete(req);
        reject(error);
      });
      req.on('close', () => this.pending.delete(req));
      req.end(body);
    });
  }

  /** Aborts requests in flight and closes the pooled connections. */
  close(): void {
    for (const req of this.pending) req.destroy();
    this.pending.clear();
    this.agent.destroy();
  }
}
