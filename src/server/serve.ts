import { createServer, type EventTrackServer, type ServiceConfig } from './createServer.js';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Signals that shut the service down gracefully. Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
  /** Called once the service closed after a signal (the CLI exits there). Default: nothing. */
  onClosed?: (signal: NodeJS.Signals) => void;
}

/**
 * Creates the service, listens, and on SIGTERM (or SIGINT) stops accepting,
 * finishes the requests in progress, flushes and closes (within
 * `server.shutdownTimeoutMs`). Resolves the running server and its URL.
 */
export async function serve(config: ServiceConfig, options: ServeOptions = {}): Promise<{ server: EventTrackServer; url: string }> {
  const server = await createServer(config);
  const url = await server.listen();
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const onSignal = (signal: NodeJS.Signals) => {
    for (const s of signals) process.off(s, onSignal);
    server.app.log.info({ signal }, 'shutting down');
    void server.close().then(() => options.onClosed?.(signal));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return { server, url };
}
