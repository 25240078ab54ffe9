import { parseArgs } from 'node:util';
import { compileNameFilter } from '../routing/nameFilter.js';
import type { CliIo } from './runCli.js';

export const READ_USAGE = `Usage: eventtrack metrics history <slug>[,<slug>…] [--granularity day] [--since 7d] [--until <time>] [--json]
       eventtrack events tail [--name 'page.*'] [--limit 20] [--follow] [--json]

Read a running eventtrack service (GET /v1/metrics/history, GET /v1/events).
  --url        the service (default $EVENTTRACK_URL or http://127.0.0.1:8080)
  --key        a key with the read scope (default $EVENTTRACK_KEY)
  --since      an ISO-8601 instant, epoch ms, or a span back from now: 90s, 15m, 12h, 7d, 4w
  --follow     keep polling for new events (every 2 s) until interrupted
`;

const SPAN = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d` → the instant seven days ago (ISO); other values as given. */
export function resolveSince(value: string, now = Date.now()): string {
  const span = SPAN.exec(value);
  return span === null ? value : new Date(now - Number(span[1]) * UNIT_MS[span[2]!]!).toISOString();
}

const BLOCKS = ' ▏▎▍▌▋▊▉█';

/** A horizontal bar of `width` cells for `value` out of `max`. */
export function bar(value: number, max: number, width = 40): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.round((value / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 === 0 ? '' : BLOCKS[eighths % 8]!);
}

async function getJson(url: string, key: string | undefined, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(path, url), { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    const error = body['error'] as { code?: string; message?: string } | undefined;
    throw new Error(`${response.status} ${error?.code ?? ''}: ${error?.message ?? JSON.stringify(body)}`);
  }
  return body;
}

/** `eventtrack metrics …` and `eventtrack events …`: exit 0 done, 1 failed, 2 bad usage. */
export async function runReadCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string', default: env['EVENTTRACK_URL'] ?? 'http://127.0.0.1:8080' },
        key: { type: 'string' },
        granularity: { type: 'string', short: 'g', default: 'day' },
        since: { type: 'string' },
        until: { type: 'string' },
        name: { type: 'string', short: 'n' },
        limit: { type: 'string', default: '20' },
        follow: { type: 'boolean', short: 'f', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`eventtrack: ${(error as Error).message}\n\n${READ_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(READ_USAGE);
    return 0;
  }
  const key = values.key ?? env['EVENTTRACK_KEY'];
  const [group, command, ...rest] = positionals;
  try {
    if (group === 'metrics' && command === 'history' && rest.length === 1) {
      const query = new URLSearchParams({ slugs: rest[0]!, granularity: values.granularity });
      if (values.since !== undefined) query.set('since', resolveSince(values.since));
      if (values.until !== undefined) query.set('until', values.until);
      const history = (await getJson(values.url, key, `/v1/metrics/history?${query}`)) as { buckets: { label: string }[]; series: { slug: string; values: number[]; total: number }[] };
      if (values.json) {
        io.stdout(`${JSON.stringify(history)}\n`);
        return 0;
      }
      const width = Math.max(...history.buckets.map((b) => b.label.length), 6);
      for (const series of history.series) {
        const max = Math.max(...series.values, 0);
        io.stdout(`${series.slug} (${values.granularity}, total ${series.total})\n`);
        history.buckets.forEach((bucket, i) => {
          const value = series.values[i] ?? 0;
          io.stdout(`  ${bucket.label.padEnd(width)}  ${String(value).padStart(8)}  ${bar(value, max)}\n`);
        });
      }
      return 0;
    }
    if (group === 'events' && command === 'tail' && rest.length === 0) {
      const matches = values.name === undefined ? () => true : compileNameFilter({ include: values.name }, '--name')!;
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be an integer from 1 to 1000');
      // Exact names are filtered by the service; a glob over the newest events here.
      const exact = values.name !== undefined && !/[*?]/.test(values.name) ? values.name : undefined;
      const print = (event: { timestamp: string; name: string; data: unknown; context: unknown }) =>
        io.stdout(values.json ? `${JSON.stringify(event)}\n` : `${event.timestamp}  ${event.name}  ${JSON.stringify(event.data)}\n`);
      const fetchNewest = async (since: string | undefined) => {
        const query = new URLSearchParams({ sort: 'desc', limit: String(exact === undefined ? 1000 : limit) });
        if (exact !== undefined) query.set('name', exact);
        if (since !== undefined) query.set('since', since);
        const page = (await getJson(values.url, key, `/v1/events?${query}`)) as { events: { id: string; timestamp: string; name: string; data: unknown; context: unknown }[] };
        return page.events.filter((e) => matches(e.name)).slice(0, limit).reverse();
      };
      let shown = await fetchNewest(values.since === undefined ? undefined : resolveSince(values.since));
      shown.forEach(print);
      if (!values.follow) return 0;
      const seen = new Set(shown.map((e) => e.id));
      let since = shown.at(-1)?.timestamp;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        shown = (await fetchNewest(since)).filter((e) => !seen.has(e.id));
        for (const event of shown) {
          seen.add(event.id);
          print(event);
        }
        since = shown.at(-1)?.timestamp ?? since;
      }
    }
  } catch (error) {
    io.stderr(`eventtrack: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr(`eventtrack: unknown command "${positionals.join(' ')}"\n\n${READ_USAGE}`);
  return 2;
}
