import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate, version } from 'uuid';
import { newEventId } from '../../../src/event/ids.js';

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
