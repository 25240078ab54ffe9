import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CliIo } from './runCli.js';

export const SERVE_USAGE = `Usage: eventtrack serve --config <file> [--port <n>] [--host <address>]

Runs the eventtrack HTTP service (see README, "Service"): POST /v1/events,
the read API, /healthz, /readyz, /openapi.json and /metrics. <file> is JSON
(or a .js/.mjs module's default export) with the sections tracker, metrics,
mongo and server; values may be { "env": "NAME" }. SIGTERM or SIGINT stop it
gracefully: no new connections, requests in progress finish, events flushed.

  --config, -c   the configuration file (required)
  --port, -p     overrides server.port
  --host         overrides server.host
  --help, -h     show this help
`;

/** Reads a service configuration: JSON, or the default export of a .js/.mjs/.cjs module. */
export async function readServiceConfig(path: string): Promise<Record<string, unknown>> {
  if (['.js', '.mjs', '.cjs'].includes(extname(path))) {
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    if (typeof module.default !== 'object' || module.default === null) throw new Error(`${path} has no default export of a configuration object`);
    return module.default as Record<string, unknown>;
  }
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** `eventtrack serve`: resolves with the exit code once the service stopped (0 after a signal, 1 if it could not start, 2 for bad usage). */
export async function runServe(argv: readonly string[], io: CliIo, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (error) {
    io.stderr(`eventtrack serve: ${(error as Error).message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  if (values.config === undefined) {
    io.stderr(`eventtrack serve: --config is required\n\n${SERVE_USAGE}`);
    return 2;
  }
  try {
    const config = await readServiceConfig(resolve(io.cwd, values.config));
    const server = { logger: true, ...(config['server'] as object | undefined) } as Record<string, unknown>;
    if (values.port !== undefined) server['port'] = Number(values.port);
    if (values.host !== undefined) server['host'] = values.host;
    const { serve } = await import('../server/serve.js');
    let stopped!: (signal: NodeJS.Signals) => void;
    const done = new Promise<NodeJS.Signals>((resolvePromise) => (stopped = resolvePromise));
    const { url } = await serve({ ...config, server } as never, { signals, onClosed: (signal) => stopped(signal) });
    io.stderr(`eventtrack: serving on ${url}\n`);
    const signal = await done;
    io.stderr(`eventtrack: stopped (${signal})\n`);
    return 0;
  } catch (error) {
    io.stderr(`eventtrack serve: ${(error as Error).message}\n`);
    return 1;
  }
}
