import type { ServerLimits } from '../ServerConfig.js';
import type { Services } from '../buildServices.js';
import type { Ingestor } from '../ingest/Ingestor.js';
import type { ServiceCounters } from '../ServiceCounters.js';
import type { RouteRecord } from '../openapi.js';
import type { ProxyTrust } from '../../integrations/clientIp.js';

/** What the route modules share. */
export interface RouteContext {
  readonly services: Services;
  readonly limits: ServerLimits;
  readonly ingestor: Ingestor;
  readonly counters: ServiceCounters;
  readonly trust: ProxyTrust | undefined;
  readonly routes: RouteRecord[];
  /** True once close() began: ingestion and readiness answer 503. */
  readonly closing: () => boolean;
}
