import { promisify } from 'node:util';
import type * as zlib from 'node:zlib';
import { builtin } from '../../event/builtin.js';
import { checkInteger } from '../../config/checkInteger.js';
import { ConfigurationError, type EventFailure, HttpStatusError, ValidationError } from '../../errors.js';
import type { TrackedEvent } from '../../event/TrackedEvent.js';
import { type FieldPath, parseFieldPath } from '../../processors/paths.js';
import type { Backend } from '../Backend.js';
import { deliverRequests } from './deliverRequests.js';
import { HttpClient } from './HttpClient.js';
import { mixpanelProperties } from './mixpanelProperties.js';
import { prepareRequests } from './prepareRequests.js';

const gzip = (body: string): Promise<Buffer> => promisify(builtin<typeof zlib>('node:zlib').gzip)(body);

/** Most events of one `/import` request (Mixpanel's limit). */
export const MIXPANEL_MAX_EVENTS_PER_REQUEST = 2_000;
/** Most bytes of one uncompressed `/import` body (Mixpanel's 10 MB). */
export const MIXPANEL_MAX_REQUEST_BYTES = 10_000_000;
/** Most bytes of one event Mixpanel takes (1 MB). */
export const MIXPANEL_MAX_EVENT_BYTES = 1_000_000;

/** A Mixpanel service account (the project id goes in the `project_id` query parameter). */
export interface MixpanelServiceAccount {
  username: string;
  secret: string;
  projectId: string | number;
}

/** Options of {@link MixpanelBackend}: `token` or `serviceAccount`. */
export interface MixpanelBackendOptions {
  /** The project token, sent as the basic-auth user name. */
  token?: string;
  /** A service account instead of the token. */
  serviceAccount?: MixpanelServiceAccount;
  /** The API host: `https://api-eu.mixpanel.com` or `https://api-in.mixpanel.com` for EU / India residency. Default `https://api.mixpanel.com`. */
  url?: string;
  /** Dotted path of `distinct_id` (`context.…` or `data.…`). Default `context.user_id`; `''` when absent. */
  distinctId?: string;
  /** Compress bodies with gzip. Default `true`. */
  gzip?: boolean;
  /** Most events per request, up to 2 000. Default 2 000. */
  maxEventsPerRequest?: number;
}

/** The defaults of {@link MixpanelBackendOptions}. */
export const DEFAULT_MIXPANEL_BACKEND_OPTIONS = Object.freeze({
  url: 'https://api.mixpanel.com',
  distinctId: 'context.user_id',
  gzip: true,
  maxEventsPerRequest: MIXPANEL_MAX_EVENTS_PER_REQUEST,
});

interface FailedRecord {
  index?: unknown;
  $insert_id?: unknown;
  field?: unknown;
  message?: unknown;
}

/**
 * Forwards events to Mixpanel's `/import?strict=1`: batches split into
 * requests of at most 2 000 events and 10 MB (uncompressed), gzipped; each
 * event `{ event: name, properties }` with `$insert_id` = the event id (so a
 * retry never duplicates), `time` in ms, `distinct_id` from a path, data and
 * context as properties (see `mixpanelProperties`). A 400 listing
 * `failed_records` drops those events as `rejected` with Mixpanel's message
 * and counts the rest delivered; 429 and 5xx are retried, no sooner than
 * `Retry-After`; 401 and other 4xx drop the request's events as `rejected`.
 */
export class MixpanelBackend implements Backend {
  /** Mixpanel's limits, as delivery defaults: batches of 2 000. */
  readonly delivery = { batchSize: MIXPANEL_MAX_EVENTS_PER_REQUEST };
  private readonly client: HttpClient;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private readonly distinctId: FieldPath;
  private readonly gzip: boolean;
  private readonly maxEvents: number;

  constructor(options: MixpanelBackendOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('token', 'MixpanelBackend needs { token } or { serviceAccount }');
    const o = { ...DEFAULT_MIXPANEL_BACKEND_OPTIONS, ...options };
    let auth: string;
    let query = 'strict=1';
    if (o.serviceAccount !== undefined) {
      if (o.token !== undefined) throw new ConfigurationError('serviceAccount', 'give `token` or `serviceAccount`, not both');
      const account = o.serviceAccount;
      for (const key of ['username', 'secret'] as const) {
        if (typeof account?.[key] !== 'string' || account[key] === '') throw new ConfigurationError(`serviceAccount.${key}`, 'expected a non-empty string');
      }
      if ((typeof account.projectId !== 'string' && typeof account.projectId !== 'number') || String(account.projectId) === '') {
        throw new ConfigurationError('serviceAccount.projectId', 'expected the project id (a number or string)');
      }
      auth = `${account.username}:${account.secret}`;
      query += `&project_id=${encodeURIComponent(String(account.projectId))}`;
    } else {
      if (typeof o.token !== 'string' || o.token === '') throw new ConfigurationError('token', 'expected the project token (a non-empty string), or give `serviceAccount`');
      auth = `${o.token}:`;
    }
    if (typeof o.gzip !== 'boolean') throw new ConfigurationError('gzip', 'expected true or false');
    this.maxEvents = checkInteger('maxEventsPerRequest', o.maxEventsPerRequest, { min: 1, max: MIXPANEL_MAX_EVENTS_PER_REQUEST });
    this.distinctId = parseFieldPath(o.distinctId, 'distinctId');
    this.client = new HttpClient(o.url);
    this.path = `/import?${query}`;
    this.gzip = o.gzip;
    this.headers = {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'application/json',
      accept: 'application/json',
      ...(o.gzip ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  async send(events: readonly TrackedEvent[]): Promise<void> {
    const batch = prepareRequests(
      events,
      (event) => JSON.stringify({ event: event.name, properties: mixpanelProperties(event, this.distinctId) }),
      { maxCount: this.maxEvents, maxBytes: MIXPANEL_MAX_REQUEST_BYTES, overheadBytes: 2, separatorBytes: 1 },
      MIXPANEL_MAX_EVENT_BYTES,
      'Mixpanel',
    );
    await deliverRequests(batch.requests, async (indices) => {
      const body = `[${indices.map((index) => batch.texts[index]!).join(',')}]`;
      try {
        await this.client.post(this.path, this.gzip ? await gzip(body) : Buffer.from(body), this.headers);
      } catch (error) {
        const failed = error instanceof HttpStatusError && error.status === 400 ? failedRecords(error.body, indices) : undefined;
        if (failed === undefined) throw error;
        return failed;
      }
      return undefined;
    }, batch.rejected);
  }

  /** Closes the connections (aborting requests still in flight). */
  close(): void {
    this.client.close();
  }
}

/**
 * The events of a strict-mode 400 (`{ failed_records: [{ index, $insert_id, field, message }] }`)
 * as batch failures, not retryable; `undefined` when the body lists none (the whole request failed).
 */
function failedRecords(body: string, indices: readonly number[]): EventFailure[] | undefined {
  let records: FailedRecord[];
  try {
    const parsed = JSON.parse(body) as { failed_records?: unknown };
    if (!Array.isArray(parsed.failed_records) || parsed.failed_records.length === 0) return undefined;
    records = parsed.failed_records as FailedRecord[];
  } catch {
    return undefined;
  }
  const failures: EventFailure[] = [];
  for (const record of records) {
    const at = typeof record.index === 'number' ? record.index : -1;
    const index = indices[at];
    if (index === undefined) continue;
    const field = typeof record.field === 'string' ? record.field : undefined;
    const message = typeof record.message === 'string' ? record.message : 'rejected';
    failures.push({
      index,
      error: new ValidationError('rejected', `Mixpanel rejected the event${field === undefined ? '' : ` (${field})`}: ${message}`, field === undefined ? {} : { path: field }),
      retryable: false,
    });
  }
  return failures;
}
