// Layers point down: importing the core (`eventtrack`) reaches no module of
// src/server and neither fastify nor prom-client.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../../src', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

test('the core entry reaches no server module, fastify or prom-client (static imports)', () => {
  const { files, packages } = reachable(join(src, 'index.ts'));
  assert.deepEqual([...files].map((f) => relative(src, f)).filter((f) => f.startsWith('server')), []);
  assert.ok(!packages.has('fastify') && !packages.has('prom-client'), [...packages].join(', '));
  // and the walk does see the server's own imports when started there
  const server = reachable(join(src, 'server', 'index.ts'));
  assert.ok(server.files.has(join(src, 'server', 'createServer.ts')));
});
