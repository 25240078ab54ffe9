// MongoEventStore against a real server: queries, paging, counts and rollups
// compared with expectations computed here, independently, from the same events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { QueryError } from '../../../src/errors.js';
import type { TrackedEvent } from '../../../src/event/TrackedEvent.js';
import { MongoBackend } from '../../../src/backends/mongodb/MongoBackend.js';
import { MongoEventStore, type FindEventsQuery } from '../../../src/backends/mongodb/MongoEventStore.js';
import type { RollupRow } from '../../../src/backends/mongodb/rollup.js';
import { mongodbUrl, skipUnless, uniqueDbName } from '../../support/env.js';

const NAMES = ['page.view', 'signup', 'order.paid'];
const PLANS = ['free', 'pro'];
const START = Date.UTC(2023, 11, 20); // spans a year end, ISO week 2024-W01 and three months
const HOUR = 3_600_000;

/** 400 events, deterministic pseudo-random times over ~80 days; every 25th shares the previous one's timestamp. */
function makeEvents(): TrackedEvent[] {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.floor((seed / 2 ** 31) * n);
  };
  let previous = START;
  return Array.from({ length: 400 }, (_, i) => {
    const ms = i % 25 === 0 && i > 0 ? previous : START + rand(80 * 24) * HOUR + rand(HOUR);
    previous = ms;
    return {
      id: `0190b4a2-7c3e-7000-8000-${String(i).padStart(12, '0')}`,
      name: NAMES[rand(NAMES.length)]!,
      timestamp: new Date(ms),
      context: { user_id: rand(4), org: { id: `org-${rand(2)}` } },
      data: { plan: PLANS[rand(2)]!, n: i },
    };
  });
}

const byTime = (a: TrackedEvent, b: TrackedEvent) => a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** ISO week label by the textbook algorithm (day of year, weekday), kept apart from the SDK's. */
function isoWeek(date: Date): string {
  const day = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - day) * 86_400_000);
  const jan4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((thursday.getTime() - jan4.getTime()) / 86_400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Expected rollup as `label|key → count`, with a fixed UTC offset (hours) standing in for the time zone. */
function expectRollup(events: TrackedEvent[], granularity: string, key: (e: TrackedEvent) => unknown, offsetHours = 0): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    const local = new Date(e.timestamp.getTime() + offsetHours * HOUR);
    const iso = local.toISOString();
    const label = granularity === 'day' ? iso.slice(0, 10) : granularity === 'month' ? iso.slice(0, 7) : granularity === 'year' ? iso.slice(0, 4) : isoWeek(local);
    const k = `${label}|${JSON.stringify(key(e) ?? null)}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

function asMap(rows: RollupRow[]): Map<string, number> {
  return new Map(rows.map((r) => [`${r.label}|${JSON.stringify(r.key)}`, r.count]));
}

describe('MongoEventStore on a real server', { skip: skipUnless('mongodb') }, () => {
  const dbName = uniqueDbName('mstore');
  const events = makeEvents();
  const sorted = [...events].sort(byTime);
  let client: MongoClient;
  let store: MongoEventStore;

  before(async () => {
    client = new MongoClient(mongodbUrl!, { serverSelectionTimeoutMS: 5_000 });
    const backend = new MongoBackend({ client, db: dbName });
    for (let i = 0; i < events.length; i += 100) await backend.send(events.slice(i, i + 100));
    await backend.close();
    store = new MongoEventStore({ client, db: dbName, batchSize: 37 });
  });
  after(async () => {
    await store.close();
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });

  async function all(query: FindEventsQuery): Promise<TrackedEvent[]> {
    const out: TrackedEvent[] = [];
    for await (const e of store.findEvents(query)) out.push(e);
    return out;
  }

  test('findEvents: filters by name(s), time range and where, in (timestamp, id) order', async () => {
    const since = new Date(START + 10 * 24 * HOUR);
    const until = new Date(START + 40 * 24 * HOUR);
    const cases: [FindEventsQuery, (e: TrackedEvent) => boolean][] = [
      [{}, () => true],
      [{ name: 'signup' }, (e) => e.name === 'signup'],
      [{ names: ['signup', 'order.paid'] }, (e) => e.name !== 'page.view'],
      [{ since, until }, (e) => e.timestamp >= since && e.timestamp < until],
      [{ where: { 'context.user_id': 2 } }, (e) => e.context['user_id'] === 2],
      [{ where: { 'context.org.id': 'org-1', 'data.plan': 'pro' }, name: 'page.view' }, (e) => (e.context['org'] as { id: string }).id === 'org-1' && e.data['plan'] === 'pro' && e.name === 'page.view'],
    ];
    for (const [query, keep] of cases) {
      const expected = sorted.filter(keep);
      assert.ok(expected.length > 0, JSON.stringify(query));
      assert.deepEqual((await all(query)).map((e) => e.id), expected.map((e) => e.id), JSON.stringify(query));
      assert.equal(await store.countEvents(query), expected.length, JSON.stringify(query));
    }
    const desc = await all({ sort: 'desc', limit: 15, where: { 'data.plan': 'free' } });
    assert.deepEqual(desc.map((e) => e.id), [...sorted].reverse().filter((e) => e.data['plan'] === 'free').slice(0, 15).map((e) => e.id));
    assert.deepEqual(await all({ name: 'no.such.event' }), []);
  });

  test('events come back whole, with Date timestamps', async () => {
    const [first] = await all({ limit: 1 });
    assert.deepEqual(first, sorted[0]);
    assert.ok(first!.timestamp instanceof Date);
  });

  test('findPage: cursor paging visits every event once, both directions, ties included', async () => {
    for (const sort of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await store.findPage({ sort, limit: 30, ...(after === undefined ? {} : { after }) });
        seen.push(...page.events.map((e) => e.id));
        after = page.next;
        pages++;
      } while (after !== undefined);
      const expected = (sort === 'asc' ? sorted : [...sorted].reverse()).map((e) => e.id);
      assert.deepEqual(seen, expected);
      assert.equal(pages, Math.ceil(events.length / 30));
    }
    // Sixteen events share a timestamp with another one: the id breaks the tie.
    assert.ok(sorted.some((e, i) => i > 0 && e.timestamp.getTime() === sorted[i - 1]!.timestamp.getTime()));
  });

  test('rollups per name and per path match independently computed totals', async () => {
    const cases: { granularity: 'day' | 'week' | 'month' | 'year'; groupBy?: string; key: (e: TrackedEvent) => unknown }[] = [
      { granularity: 'day', key: (e) => e.name },
      { granularity: 'week', key: (e) => e.name },
      { granularity: 'month', groupBy: 'context.user_id', key: (e) => e.context['user_id'] },
      { granularity: 'year', groupBy: 'data.plan', key: (e) => e.data['plan'] },
      { granularity: 'month', groupBy: 'data.missing', key: () => null },
    ];
    for (const c of cases) {
      const rows = await store.rollup({ granularity: c.granularity, ...(c.groupBy === undefined ? {} : { groupBy: c.groupBy }) });
      assert.deepEqual(asMap(rows), expectRollup(events, c.granularity, c.key), `${c.granularity} by ${c.groupBy ?? 'name'}`);
      assert.equal(rows.reduce((n, r) => n + r.count, 0), events.length);
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.bucket <= rows[i]!.bucket);
    }
  });

  test('rollups follow the time zone and the query filter', async () => {
    // Asia/Kolkata has been UTC+05:30 without DST since 1945: a fixed offset to check against.
    const rows = await store.rollup({ granularity: 'day', timeZone: 'Asia/Kolkata' });
    assert.deepEqual(asMap(rows), expectRollup(events, 'day', (e) => e.name, 5.5));
    assert.equal(rows[0]!.bucket.toISOString().slice(11), '18:30:00.000Z');

    const since = new Date(START + 30 * 24 * HOUR);
    const filtered = await store.rollup({ granularity: 'week', groupBy: 'context.org.id', since, names: ['signup', 'order.paid'], timeZone: 'America/Los_Angeles' });
    const keep = events.filter((e) => e.timestamp >= since && e.name !== 'page.view');
    // Jan–Feb: Los Angeles is UTC−8 throughout (DST starts 10 March).
    assert.deepEqual(asMap(filtered), expectRollup(keep, 'week', (e) => (e.context['org'] as { id: string }).id, -8));
  });

  test('portable and auto rollup modes agree', async () => {
    const portable = new MongoEventStore({ client, db: dbName, rollupMode: 'portable' });
    const q = { granularity: 'month', groupBy: 'context.user_id' } as const;
    assert.deepEqual(await portable.rollup(q), await store.rollup(q));
    await portable.close();
  });

  test('unsafe query input is refused before reaching the server', async () => {
    await assert.rejects(all({ where: { 'context.user_id': { $ne: null } as never } }), QueryError);
    await assert.rejects(store.countEvents({ where: { $where: '1' } as never }), QueryError);
    await assert.rejects(store.rollup({ granularity: 'day', groupBy: '$name' }), QueryError);
    await assert.rejects(store.rollup({ granularity: 'day', timeZone: 'Nowhere/Land' }), QueryError);
    await assert.rejects(store.findPage({ after: 'forged' }), QueryError);
  });
});
