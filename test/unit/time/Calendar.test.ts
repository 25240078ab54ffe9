import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Calendar } from '../../../src/time/Calendar.js';
import { GRANULARITIES, type Granularity } from '../../../src/time/granularity.js';
import { TimeZone } from '../../../src/time/TimeZone.js';
import { random, referenceLabels } from '../metrics/reference.js';

const utc = new Calendar(new TimeZone('UTC'));
const berlin = new Calendar(new TimeZone('Europe/Berlin'));
const newYork = new Calendar(new TimeZone('America/New_York'));

function labels(calendar: Calendar, g: Granularity, since: number, until: number): string[] {
  return calendar.range(g, since, until, 10_000).map((b) => b.label);
}

describe('Calendar', () => {
  describe('ISO-8601 weeks', () => {
    const cases: [string, string][] = [
      ['2020-12-31', '2020-W53'],
      ['2021-01-03', '2020-W53'],
      ['2021-01-04', '2021-W01'],
      ['2026-01-01', '2026-W01'],
      ['2025-12-29', '2026-W01'],
      ['2026-12-31', '2026-W53'],
      ['2027-01-03', '2026-W53'],
      ['2027-01-04', '2027-W01'],
      ['2024-12-30', '2025-W01'],
      ['2008-12-29', '2009-W01'],
      ['2010-01-03', '2009-W53'],
      ['2026-03-09', '2026-W11'],
    ];
    for (const [day, week] of cases) {
      it(`${day} is in ${week}`, () => {
        assert.equal(utc.locate('week', Date.parse(`${day}T12:00:00Z`)).label, week);
      });
    }

    it('weekly history across a year end lists W52, W53, W01 in order, zero-padded', () => {
      assert.deepEqual(labels(utc, 'week', Date.parse('2026-12-20T00:00:00Z'), Date.parse('2027-01-12T00:00:00Z')), [
        '2026-W51',
        '2026-W52',
        '2026-W53',
        '2027-W01',
        '2027-W02',
      ]);
      const sorted = labels(utc, 'week', Date.parse('2020-12-01T00:00:00Z'), Date.parse('2021-02-01T00:00:00Z'));
      assert.deepEqual([...sorted].sort(), sorted, 'labels sort chronologically');
      assert.ok(sorted.includes('2020-W53'));
    });

    it('a week bucket spans Monday 00:00 to the next Monday 00:00 local time', () => {
      const week = berlin.locate('week', Date.parse('2026-03-29T12:00:00Z'));
      assert.equal(week.label, '2026-W13');
      assert.equal(new Date(week.start).toISOString(), '2026-03-22T23:00:00.000Z'); // Monday 00:00 CET
      assert.equal(new Date(week.end).toISOString(), '2026-03-29T22:00:00.000Z'); // Monday 00:00 CEST
    });

    it('Sunday-first weeks start on Sunday and belong to the year of their Wednesday', () => {
      const sunday = new Calendar(new TimeZone('UTC'), 'sunday');
      const week = sunday.locate('week', Date.parse('2026-03-11T12:00:00Z')); // a Wednesday
      assert.equal(new Date(week.start).toISOString(), '2026-03-08T00:00:00.000Z');
      assert.equal(sunday.locate('week', Date.parse('2026-03-08T00:00:00Z')).label, week.label);
      assert.notEqual(sunday.locate('week', Date.parse('2026-03-07T23:59:59Z')).label, week.label);
      // 2026-12-27 (Sun) … 2027-01-02 (Sat): Wednesday 2026-12-30 → a week of 2026.
      assert.equal(sunday.locate('week', Date.parse('2027-01-02T12:00:00Z')).label, '2026-W52');
      assert.equal(sunday.locate('week', Date.parse('2027-01-03T12:00:00Z')).label, '2027-W01');
    });
  });

  describe('year ends', () => {
    it('the last second of a year and the first of the next fall into different years, months, days', () => {
      const last = Date.parse('2026-12-31T23:59:59.999Z');
      for (const g of ['second', 'minute', 'hour', 'day', 'month', 'year'] as const) {
        assert.notEqual(utc.locate(g, last).label, utc.locate(g, last + 1).label, g);
      }
      assert.equal(utc.locate('year', last).label, '2026');
      assert.equal(utc.locate('month', last + 1).label, '2027-01');
      assert.equal(utc.locate('second', last).label, '2026-12-31T23:59:59Z');
    });

    it('a local year end differs from the UTC one', () => {
      // 2026-12-31T23:30Z is already 2027-01-01 00:30 in Berlin.
      assert.equal(berlin.locate('year', Date.parse('2026-12-31T23:30:00Z')).label, '2027');
      assert.equal(berlin.locate('day', Date.parse('2026-12-31T23:30:00Z')).label, '2027-01-01');
      assert.equal(newYork.locate('year', Date.parse('2027-01-01T04:30:00Z')).label, '2026');
    });

    it('monthly history across years sorts and covers every month', () => {
      const months = labels(utc, 'month', Date.parse('2025-11-15T00:00:00Z'), Date.parse('2026-02-01T00:00:00Z'));
      assert.deepEqual(months, ['2025-11', '2025-12', '2026-01', '2026-02']);
    });
  });

  describe('DST, Europe/Berlin', () => {
    it('spring forward 2026-03-29: no 02:00 hour, a 23-hour day', () => {
      const hours = labels(berlin, 'hour', Date.parse('2026-03-28T23:00:00Z'), Date.parse('2026-03-29T02:59:59Z'));
      assert.deepEqual(hours, ['2026-03-29T00:00+01:00', '2026-03-29T01:00+01:00', '2026-03-29T03:00+02:00', '2026-03-29T04:00+02:00']);
      const day = berlin.locate('day', Date.parse('2026-03-29T12:00:00Z'));
      assert.equal(day.end - day.start, 23 * 3_600_000);
      assert.equal(berlin.range('hour', day.start, day.end - 1, 100).length, 23);
    });

    it('fall back 2026-10-25: the repeated 02:00 hour is two buckets, the day has 25', () => {
      const first = berlin.locate('hour', Date.parse('2026-10-25T00:30:00Z'));
      const second = berlin.locate('hour', Date.parse('2026-10-25T01:30:00Z'));
      assert.equal(first.label, '2026-10-25T02:00+02:00');
      assert.equal(second.label, '2026-10-25T02:00+01:00');
      assert.notEqual(`${first.container}/${first.field}`, `${second.container}/${second.field}`, 'stored apart');
      const day = berlin.locate('day', Date.parse('2026-10-25T12:00:00Z'));
      assert.equal(day.end - day.start, 25 * 3_600_000);
      const hours = berlin.range('hour', day.start, day.end - 1, 100);
      assert.equal(hours.length, 25);
      assert.equal(new Set(hours.map((h) => `${h.container}/${h.field}`)).size, 25);
      // minutes of the repeated hour do not merge either
      const m1 = berlin.locate('minute', Date.parse('2026-10-25T00:15:00Z'));
      const m2 = berlin.locate('minute', Date.parse('2026-10-25T01:15:00Z'));
      assert.equal(m1.label, '2026-10-25T02:15+02:00');
      assert.equal(m2.label, '2026-10-25T02:15+01:00');
      assert.notEqual(`${m1.container}/${m1.field}`, `${m2.container}/${m2.field}`);
    });
  });

  describe('DST, America/New_York', () => {
    it('spring forward 2026-03-08 skips 02:00', () => {
      const hours = labels(newYork, 'hour', Date.parse('2026-03-08T05:00:00Z'), Date.parse('2026-03-08T08:59:00Z'));
      assert.deepEqual(hours, ['2026-03-08T00:00-05:00', '2026-03-08T01:00-05:00', '2026-03-08T03:00-04:00', '2026-03-08T04:00-04:00']);
    });

    it('fall back 2026-11-01 repeats 01:00 as two buckets', () => {
      const hours = labels(newYork, 'hour', Date.parse('2026-11-01T04:00:00Z'), Date.parse('2026-11-01T07:59:00Z'));
      assert.deepEqual(hours, ['2026-11-01T00:00-04:00', '2026-11-01T01:00-04:00', '2026-11-01T01:00-05:00', '2026-11-01T02:00-05:00']);
      const day = newYork.locate('day', Date.parse('2026-11-01T12:00:00Z'));
      assert.equal(new Date(day.start).toISOString(), '2026-11-01T04:00:00.000Z');
      assert.equal(day.end - day.start, 25 * 3_600_000);
    });
  });

  it('half-hour zones get local hours (Asia/Kolkata)', () => {
    const kolkata = new Calendar(new TimeZone('Asia/Kolkata'));
    const hour = kolkata.locate('hour', Date.parse('2026-05-01T10:10:00Z')); // 15:40 IST
    assert.equal(hour.label, '2026-05-01T15:00+05:30');
    assert.equal(new Date(hour.start).toISOString(), '2026-05-01T09:30:00.000Z');
  });

  it('a 30-minute DST shift (Australia/Lord_Howe) still gives disjoint buckets in order', () => {
    const lordHowe = new Calendar(new TimeZone('Australia/Lord_Howe'));
    const since = Date.parse('2026-04-04T13:00:00Z');
    const until = Date.parse('2026-04-04T18:00:00Z');
    const hours = lordHowe.range('hour', since, until, 100);
    for (let i = 1; i < hours.length; i++) assert.ok(hours[i]!.start > hours[i - 1]!.start);
    assert.equal(new Set(hours.map((h) => `${h.container}/${h.field}`)).size, hours.length);
    for (let t = since; t <= until; t += 60_000) {
      const bucket = lordHowe.locate('hour', t);
      assert.ok(hours.some((h) => h.container === bucket.container && h.field === bucket.field), new Date(t).toISOString());
    }
  });

  it('Australia/Lord_Howe: an hour cut by a 30-minute change starts and ends at the change, so buckets tile time', () => {
    const lordHowe = new Calendar(new TimeZone('Australia/Lord_Howe'));
    // Fall back 2026-04-05 02:00+11:00 (15:00Z) → 01:30+10:30.
    const fallSecond = lordHowe.locate('hour', Date.parse('2026-04-04T15:10:00Z')); // 01:40+10:30
    assert.equal(fallSecond.label, '2026-04-05T01:00+10:30');
    assert.equal(new Date(fallSecond.start).toISOString(), '2026-04-04T15:00:00.000Z', 'not 14:30Z, which belongs to 01:00+11:00');
    assert.equal(new Date(fallSecond.end).toISOString(), '2026-04-04T15:30:00.000Z');
    const fallFirst = lordHowe.locate('hour', Date.parse('2026-04-04T14:40:00Z')); // 01:40+11:00
    assert.equal(fallFirst.label, '2026-04-05T01:00+11:00');
    assert.equal(new Date(fallFirst.end).toISOString(), '2026-04-04T15:00:00.000Z');
    for (const instant of ['2026-04-04T14:40:00Z', '2026-04-04T15:10:00Z', '2026-10-03T15:40:00Z']) {
      const t = Date.parse(instant);
      assert.equal(lordHowe.range('hour', t, t, 100).length, 1, `a one-instant range at ${instant} is one bucket`);
    }
    // Spring forward 2026-10-04 02:00+10:30 (15:30Z) → 02:30+11:00.
    const spring = lordHowe.locate('hour', Date.parse('2026-10-03T15:40:00Z')); // 02:40+11:00
    assert.equal(spring.label, '2026-10-04T02:00+11:00');
    assert.equal(new Date(spring.start).toISOString(), '2026-10-03T15:30:00.000Z');
    for (const [since, until] of [['2026-04-04T12:00:00Z', '2026-04-04T18:00:00Z'], ['2026-10-03T12:00:00Z', '2026-10-03T18:00:00Z']] as const) {
      const hours = lordHowe.range('hour', Date.parse(since), Date.parse(until), 100);
      for (let i = 1; i < hours.length; i++) assert.equal(hours[i]!.start, hours[i - 1]!.end, `${hours[i]!.label} starts where ${hours[i - 1]!.label} ends`);
      for (let t = Date.parse(since); t <= Date.parse(until); t += 60_000) {
        const bucket = lordHowe.locate('hour', t);
        assert.ok(bucket.start <= t && t < bucket.end, `${new Date(t).toISOString()} in ${bucket.label}`);
      }
    }
  });

  describe('against an independent reference (Intl longOffset + Date week math)', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Chatham', 'America/Sao_Paulo'];
    for (const zone of zones) {
      for (const weekStart of zone === 'UTC' || zone === 'Europe/Berlin' ? (['monday', 'sunday'] as const) : (['monday'] as const)) {
        it(`${zone}, ${weekStart}-first: 1000 random instants 1970–2100 plus DST edges`, () => {
          const calendar = new Calendar(new TimeZone(zone), weekStart);
          const next = random(zone.length * 31 + weekStart.length);
          const instants: number[] = [];
          for (let i = 0; i < 1000; i++) instants.push(Math.floor(next() * Date.UTC(2100, 0, 1)));
          // every minute around the 2026 transitions of the zone
          const tz = new TimeZone(zone);
          for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
            const a = tz.offsetAt(t);
            const b = tz.offsetAt(t + 3_600_000);
            if (a !== b) for (let u = t - 3_600_000; u < t + 3 * 3_600_000; u += 5 * 60_000) instants.push(u, u + 59_999);
          }
          for (const ms of instants) {
            const expected = referenceLabels(ms, zone, weekStart);
            for (const g of GRANULARITIES) {
              const bucket = calendar.locate(g, ms);
              assert.equal(bucket.label, expected[g], `${g} of ${new Date(ms).toISOString()}`);
              assert.ok(bucket.start <= ms && ms < bucket.end, `${g} bounds of ${new Date(ms).toISOString()}`);
            }
          }
        });
      }
    }
  });

  it('storage slots match the located buckets and are cached per second', () => {
    const ms = Date.parse('2026-10-25T01:30:15.250Z');
    const slots = berlin.slotsAt(ms);
    assert.equal(berlin.slotsAt(ms + 500), slots);
    GRANULARITIES.forEach((g, rank) => {
      const bucket = berlin.locate(g, ms);
      assert.equal(slots.containers[rank], bucket.container);
      assert.equal(slots.fields[rank], bucket.field);
    });
    assert.deepEqual(slots.containers.slice(3), ['2026-10', '2026', '2026', 'all']);
    assert.deepEqual(slots.fields.slice(3), ['25', '43', '10', '2026']);
  });

  it('a storage unit does not end before the buckets it holds (half-hour zones: the hour 23:30–00:30 UTC)', () => {
    for (const zone of ['Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/Berlin']) {
      const calendar = new Calendar(new TimeZone(zone));
      for (let ms = Date.parse('2026-03-17T20:00:00Z'); ms < Date.parse('2026-03-18T04:00:00Z'); ms += 5 * 60_000) {
        const slots = calendar.slotsAt(ms);
        GRANULARITIES.forEach((g, rank) => {
          const bucket = calendar.locate(g, ms);
          assert.ok(slots.containerEnds[rank]! * 1000 >= bucket.end, `${zone} ${g} at ${new Date(ms).toISOString()}: unit ends ${slots.containerEnds[rank]} before its bucket (${bucket.end / 1000})`);
        });
      }
    }
  });

  it('refuses ranges with too many buckets', () => {
    assert.throws(() => utc.range('second', 0, 86_400_000, 1000), { name: 'ValidationError', reason: 'range_too_large' });
  });
});
