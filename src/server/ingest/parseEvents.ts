import { isUtf8 } from 'node:buffer';
import { httpError } from '../HttpError.js';
import type { Rejection } from './Rejection.js';

/** The events of a body, and the rejections found while splitting it (NDJSON lines that are not JSON). */
export interface ParsedBody {
  /** Every event slot, by index; `undefined` where the line was rejected. */
  items: unknown[];
  rejected: Rejection[];
}

/**
 * Splits a JSON body (`{ "events": [...] }` or a bare array) or an NDJSON body
 * (one event per line; blank lines ignored, the index counts events) into
 * events. A JSON body that does not parse, or is not valid UTF-8, is refused
 * whole; an NDJSON line that does not is rejected alone.
 *
 * @throws HttpError 400 `invalid-utf8`, `invalid-json`, `invalid-body`; 413 `too-many-events`.
 */
export function parseEvents(body: Buffer, ndjson: boolean, maxEvents: number): ParsedBody {
  if (ndjson) return parseNdjson(body, maxEvents);
  if (!isUtf8(body)) throw httpError('invalid-utf8', 'the body is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw httpError('invalid-json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  let items: unknown;
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'events')) items = (value as { events: unknown }).events;
  if (!Array.isArray(items)) throw httpError('invalid-body', 'expected { "events": [ ... ] }, a JSON array of events, or NDJSON (application/x-ndjson)');
  if (items.length > maxEvents) throw httpError('too-many-events', `${items.length} events in one request; the limit is ${maxEvents}`);
  return { items, rejected: [] };
}

const NEWLINE = 0x0a;

function parseNdjson(body: Buffer, maxEvents: number): ParsedBody {
  const items: unknown[] = [];
  const rejected: Rejection[] = [];
  const whole = isUtf8(body);
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(NEWLINE, start);
    if (end === -1) end = body.length;
    const line = body.subarray(start, end);
    start = end + 1;
    const text = whole || isUtf8(line) ? line.toString('utf8') : undefined;
    if (text !== undefined && text.trim() === '') continue;
    const index = items.length;
    if (index >= maxEvents) throw httpError('too-many-events', `more than ${maxEvents} events in one request; the limit is ${maxEvents}`);
    if (text === undefined) {
      items.push(undefined);
      rejected.push({ index, reason: 'invalid-utf8', message: 'the line is not valid UTF-8' });
      continue;
    }
    try {
      items.push(JSON.parse(text));
    } catch (error) {
      items.push(undefined);
      rejected.push({ index, reason: 'invalid-json', message: `the line is not valid JSON: ${(error as Error).message}` });
    }
  }
  return { items, rejected };
}
