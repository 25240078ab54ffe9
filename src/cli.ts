#!/usr/bin/env node
// The `eventtrack` command. See USAGE in ./cli/runCli.ts.
import { runCli } from './cli/runCli.js';

const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
const code = await runCli(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr), cwd: process.cwd() });

// The documented module may open connections or timers (a tracker with real
// backends); exit once the output is written instead of waiting for them.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
