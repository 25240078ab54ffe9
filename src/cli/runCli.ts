import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from './loadCatalog.js';

/** Where the CLI writes, so tests and embedders can capture it. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves relative module paths and `--out`. */
  readonly cwd: string;
}

export const USAGE = `Usage: eventtrack catalog <module> [--format markdown|json] [--out <file>] [--title <text>]

Writes the documentation of the event catalog that <module> exports: a named
\`catalog\` (EventCatalog), a named \`tracker\` (its catalog), or either as the
default export. <module> is a file path or a package name.

  --format, -f   markdown (default) or json (one JSON Schema document)
  --out, -o      write to this file instead of standard output
  --title, -t    the document title (default: "Event catalog")
  --help, -h     show this help

TypeScript modules need a loader: npx tsx node_modules/.bin/eventtrack catalog ./src/events.ts

       eventtrack serve --config <file>   runs the HTTP service (eventtrack serve --help)
       eventtrack metrics history <slug>   reads a running service (eventtrack metrics --help)
       eventtrack events tail --name 'page.*'
`;

const FORMATS = ['markdown', 'json'] as const;

/** Exit codes: 0 done, 1 the module could not be documented, 2 bad usage. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'serve') return (await import('./serve.js')).runServe(argv.slice(1), io);
  if (argv[0] === 'metrics' || argv[0] === 'events') return (await import('./readCommands.js')).runReadCommand(argv, io);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'markdown' },
        out: { type: 'string', short: 'o' },
        title: { type: 'string', short: 't' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`eventtrack: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const [command, specifier, ...extra] = positionals;
  if (command !== 'catalog' || specifier === undefined || extra.length > 0) {
    io.stderr(`eventtrack: ${command === undefined ? 'no command given' : command !== 'catalog' ? `unknown command "${command}"` : specifier === undefined ? 'no module given' : `unexpected argument "${extra[0]}"`}\n\n${USAGE}`);
    return 2;
  }
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) {
    io.stderr(`eventtrack: --format must be markdown or json, got "${format}"\n`);
    return 2;
  }

  try {
    const catalog = await loadCatalog(specifier, io.cwd);
    const options = values.title === undefined ? {} : { title: values.title };
    const text = format === 'json' ? `${JSON.stringify(catalog.toJSONSchema(options), null, 2)}\n` : catalog.toMarkdown(options);
    if (values.out === undefined) {
      io.stdout(text);
    } else {
      const path = resolve(io.cwd, values.out);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      io.stderr(`eventtrack: wrote ${path}\n`);
    }
    return 0;
  } catch (error) {
    io.stderr(`eventtrack: ${(error as Error).message}\n`);
    return 1;
  }
}
