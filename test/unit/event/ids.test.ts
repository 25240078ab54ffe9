import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { v7, validate, version } from 'uuid';
import { layOutV7, newEventId } from '../../../src/event/ids.js';

test('ids are valid UUID v7 carrying the given millisecond', () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 0, 123);
  const id = newEventId(now);
  assert.ok(validate(id));
  assert.equal(version(id), 7);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now);
});

test('ids are unique and strictly increasing, within a millisecond and across', () => {
  const ids: string[] = [];
  const base = Date.now() + 10_000;
  for (let ms = 0; ms < 5; ms++) for (let i = 0; i < 500; i++) ids.push(newEventId(base + ms));
  for (let i = 0; i < 3; i++) ids.push(newEventId(base + 5 + i * 2)); // a quiet emitter
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
});

test('a clock that goes backwards still gives increasing ids', () => {
  const later = newEventId(Date.now() + 20_000);
  const earlier = newEventId(Date.now());
  assert.ok(later < earlier);
});

test('every id gets random bits of its own, across refills of the random pool', () => {
  const base = Date.UTC(2200, 0, 1); // later than any millisecond used before, so each one below is new
  const tails = new Set<string>();
  const seeds = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const id = newEventId(base + i); // a new millisecond each: the sequence is seeded afresh
    tails.add(id.slice(-12)); // bytes 10..15: random
    seeds.add(id.slice(14, 23)); // version, sequence: seeded from random bits each millisecond
  }
  assert.equal(tails.size, 3000);
  assert.ok(seeds.size > 2990, `${seeds.size} distinct sequence seeds`);
});

test('layOutV7 lays out the bytes exactly as uuid v7 does (uuid is a dev dependency only)', () => {
  const cases: [msecs: number, seq: number][] = [
    [0, 0],
    [Date.UTC(2026, 10, 22, 12, 0, 0, 123), 0x7fffffff],
    [2 ** 48 - 1, 0xffffffff],
    [1_700_000_000_000, 0x12345678],
  ];
  for (let i = 0; i < 200; i++) cases.push([Math.floor(Math.random() * 2 ** 48), randomBytes(4).readUInt32BE()]);
  for (const [msecs, seq] of cases) {
    const random = randomBytes(16);
    const expected = v7({ msecs, seq, random }, new Uint8Array(16));
    assert.deepEqual(layOutV7(msecs, seq, random, new Uint8Array(16)), expected, `msecs ${msecs}, seq ${seq}`);
  }
});
