import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggerBackend } from '../../../src/backends/logger/LoggerBackend.js';
import { MemoryBackend } from '../../../src/backends/memory/MemoryBackend.js';
import { backendConformance, type StoredEvent } from '../../support/backendConformance.js';

const asStored = (e: { id: string; name: string; timestamp: Date; context: unknown; data: unknown }): StoredEvent => ({
  ...e,
  timestamp: e.timestamp.toISOString(),
});

backendConformance('MemoryBackend', async () => {
  const backend = new MemoryBackend();
  return { backend, read: async () => backend.events.map(asStored) };
}, { idempotent: false });

backendConformance('LoggerBackend (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventtrack-conf-'));
  const path = join(dir, 'events.jsonl');
  const backend = new LoggerBackend({ path });
  return {
    backend,
    read: async () => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as StoredEvent),
    cleanup: async () => {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, { idempotent: false });

backendConformance('plain function backend', async () => {
  const stored: StoredEvent[] = [];
  return { backend: { send: (events) => void stored.push(...events.map(asStored)) }, read: async () => stored };
}, { idempotent: false });
