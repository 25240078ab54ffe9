// An independent reference for bucket labels, written differently from
// src/metrics/Calendar.ts on purpose: Intl formatting with `longOffset` for
// local fields and offsets, and Date-object arithmetic for week numbers.
import type { Granularity } from '../../../src/time/granularity.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock fields and the UTC offset text (`+02:00`, `Z` for the UTC zone) of an instant. */
export function localParts(ms: number, timeZone: string): { y: string; mo: string; d: string; h: string; mi: string; s: string; offset: string } {
  const parts = Object.fromEntries(format(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const name = parts['timeZoneName']!; // "GMT", "GMT+02:00", "GMT-04:00", "GMT+05:30"
  const offset = timeZone === 'UTC' ? 'Z' : name === 'GMT' ? '+00:00' : name.slice(3);
  return { y: parts['year']!.padStart(4, '0'), mo: parts['month']!, d: parts['day']!, h: parts['hour']!, mi: parts['minute']!, s: parts['second']!, offset };
}

/** Week label of a calendar date: ISO-8601 (Monday-first, Thursday rule) or Sunday-first (Wednesday rule). */
export function weekLabel(y: number, m: number, d: number, weekStart: 'monday' | 'sunday'): string {
  const date = new Date(Date.UTC(y, m - 1, d));
  const sinceStart = weekStart === 'monday' ? (date.getUTCDay() + 6) % 7 : date.getUTCDay();
  const middle = new Date(date);
  middle.setUTCDate(date.getUTCDate() - sinceStart + 3);
  const weekYear = middle.getUTCFullYear();
  const jan4 = new Date(Date.UTC(weekYear, 0, 4));
  const jan4SinceStart = weekStart === 'monday' ? (jan4.getUTCDay() + 6) % 7 : jan4.getUTCDay();
  const firstMiddle = new Date(jan4);
  firstMiddle.setUTCDate(jan4.getUTCDate() - jan4SinceStart + 3);
  const week = 1 + Math.round((middle.getTime() - firstMiddle.getTime()) / (7 * 86_400_000));
  return `${String(weekYear).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** The label of the bucket holding `ms` at every granularity. */
export function referenceLabels(ms: number, timeZone: string, weekStart: 'monday' | 'sunday' = 'monday'): Record<Granularity, string> {
  const p = localParts(ms, timeZone);
  const date = `${p.y}-${p.mo}-${p.d}`;
  return {
    second: `${date}T${p.h}:${p.mi}:${p.s}${p.offset}`,
    minute: `${date}T${p.h}:${p.mi}${p.offset}`,
    hour: `${date}T${p.h}:00${p.offset}`,
    day: date,
    week: weekLabel(Number(p.y), Number(p.mo), Number(p.d), weekStart),
    month: `${p.y}-${p.mo}`,
    year: p.y,
  };
}

/** A seeded PRNG (mulberry32), so random tests are reproducible. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
