import { ConfigurationError, ValidationError } from '../../errors.js';
import type { JsonValue, TrackedEvent } from '../../event/TrackedEvent.js';
import { type FieldPath, getField, parseFieldPath } from '../../processors/paths.js';
import type { Backend } from '../Backend.js';
import { deliverRequests } from './deliverRequests.js';
import { HttpClient } from './HttpClient.js';
import { prepareRequests } from './prepareRequests.js';

/** Most bytes of one `/v1/batch` body (Segment's 500 KB). */
export const SEGMENT_MAX_REQUEST_BYTES = 500_000;
/** Most bytes of one message (Segment's 32 KB); a bigger event is rejected before sending. */
export const SEGMENT_MAX_EVENT_BYTES = 32_000;

/** Options of {@link SegmentBackend}. */
export interface SegmentBackendOptions {
  /** The source's write key, sent as the basic-auth user name. Required. */
  writeKey: string;
  /** The API host (`https://events.eu1.segmentapis.com` for the EU). Default `https://api.segment.io`. */
  url?: string;
  /** Dotted path of `userId`. Default `context.user_id`. */
  userId?: string;
  /** Dotted path of `anonymousId`, used when there is no user id. Default none. */
  anonymousId?: string;
}

/** The defaults of {@link SegmentBackendOptions}. */
export const DEFAULT_SEGMENT_BACKEND_OPTIONS = Object.freeze({ url: 'https://api.segment.io', userId: 'context.user_id' });

// `{"batch":[` … `],"sentAt":"2026-11-29T22:00:00.000Z"}`
const ENVELOPE_BYTES = '{"batch":[],"sentAt":"2026-11-29T22:00:00.000Z"}'.length;

function idText(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Forwards events to Segment's batch API (`/v1/batch`) as `track` calls:
 * `messageId` = the event id (Segment dedupes retries by it), `event` = the
 * name, `userId` / `anonymousId` from paths (as text), `timestamp`,
 * `context` and `properties` (= `data`). Requests stay within 500 KB; an
 * event over 32 KB, or with neither a user id nor an anonymous id (Segment
 * requires one), is dropped as `rejected` with the reason before sending.
 * 429 and 5xx are retried (no sooner than `Retry-After`); 400, 401 and other
 * 4xx drop the request's events as `rejected`.
 */
export class SegmentBackend implements Backend {
  private readonly client: HttpClient;
  private readonly headers: Record<string, string>;
  private readonly userId: FieldPath;
  private readonly anonymousId: FieldPath | undefined;

  constructor(options: SegmentBackendOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('writeKey', 'SegmentBackend needs { writeKey }');
    const o = { ...DEFAULT_SEGMENT_BACKEND_OPTIONS, ...options };
    if (typeof o.writeKey !== 'string' || o.writeKey === '') throw new ConfigurationError('writeKey', 'expected the source write key (a non-empty string)');
    this.userId = parseFieldPath(o.userId, 'userId');
    this.anonymousId = o.anonymousId === undefined ? undefined : parseFieldPath(o.anonymousId, 'anonymousId');
    this.client = new HttpClient(o.url);
    this.headers = {
      authorization: `Basic ${Buffer.from(`${o.writeKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    };
  }

  private message(event: TrackedEvent): string {
    const userId = idText(getField(event, this.userId));
    const anonymousId = this.anonymousId === undefined ? undefined : idText(getField(event, this.anonymousId));
    if (userId === undefined && anonymousId === undefined) {
      throw new ValidationError('no-user', `Segment: the event has no userId (${this.userId.section}.${this.userId.keys.join('.')})` +
        (this.anonymousId === undefined ? ' and no anonymousId path is configured' : ' nor anonymousId') + '; Segment requires one');
    }
    return JSON.stringify({
      type: 'track',
      messageId: event.id,
      event: event.name,
      ...(userId === undefined ? {} : { userId }),
      ...(anonymousId === undefined ? {} : { anonymousId }),
      timestamp: event.timestamp,
      context: event.context ?? {},
      properties: event.data ?? {},
    });
  }

  async send(events: readonly TrackedEvent[]): Promise<void> {
    const batch = prepareRequests(
      events,
      (event) => this.message(event),
      { maxCount: Number.MAX_SAFE_INTEGER, maxBytes: SEGMENT_MAX_REQUEST_BYTES, overheadBytes: ENVELOPE_BYTES, separatorBytes: 1 },
      SEGMENT_MAX_EVENT_BYTES,
      'Segment',
    );
    await deliverRequests(batch.requests, async (indices) => {
      const body = `{"batch":[${indices.map((index) => batch.texts[index]!).join(',')}],"sentAt":"${new Date().toISOString()}"}`;
      await this.client.post('/v1/batch', Buffer.from(body), this.headers);
    }, batch.rejected);
  }

  /** Closes the connections (aborting requests still in flight). */
  close(): void {
    this.client.close();
  }
}
