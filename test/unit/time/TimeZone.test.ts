import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeZone } from '../../../src/time/TimeZone.js';

const HOUR = 3_600_000;

describe('TimeZone', () => {
  it('rejects unknown names with a ConfigurationError naming the option', () => {
    assert.throws(() => new TimeZone('Mars/Olympus'), { name: 'ConfigurationError', option: 'timeZone' });
    assert.throws(() => new TimeZone(''), { name: 'ConfigurationError' });
  });

  it('UTC takes the fast path', () => {
    for (const name of ['UTC', 'Etc/UTC', 'GMT']) {
      const zone = new TimeZone(name);
      assert.equal(zone.isUtc, true, name);
      assert.equal(zone.offsetAt(Date.parse('2026-07-01T00:00:00Z')), 0);
    }
    assert.equal(new TimeZone('Europe/London').isUtc, false, 'London has summer time');
  });

  it('knows summer and winter offsets, switching at the exact instant', () => {
    const berlin = new TimeZone('Europe/Berlin');
    assert.equal(berlin.offsetAt(Date.parse('2026-01-15T12:00:00Z')), HOUR);
    assert.equal(berlin.offsetAt(Date.parse('2026-07-15T12:00:00Z')), 2 * HOUR);
    assert.equal(berlin.offsetAt(Date.parse('2026-03-29T00:59:59.999Z')), HOUR);
    assert.equal(berlin.offsetAt(Date.parse('2026-03-29T01:00:00Z')), 2 * HOUR);
    assert.equal(new TimeZone('Asia/Kathmandu').offsetAt(Date.parse('2026-01-01T00:00:00Z')), 5.75 * HOUR);
    assert.equal(new TimeZone('America/St_Johns').offsetAt(Date.parse('2026-01-01T00:00:00Z')), -3.5 * HOUR);
  });

  it('maps local wall-clock times back: earlier instant in a repeated hour, after the gap in a skipped one', () => {
    const berlin = new TimeZone('Europe/Berlin');
    assert.equal(new Date(berlin.fromLocal(Date.UTC(2026, 9, 25, 2, 30))).toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(new Date(berlin.fromLocal(Date.UTC(2026, 2, 29, 3, 0))).toISOString(), '2026-03-29T01:00:00.000Z');
    assert.equal(new Date(berlin.fromLocal(Date.UTC(2026, 2, 29, 2, 0))).toISOString(), '2026-03-29T01:00:00.000Z', '02:00 does not exist');
    // Midnight that does not exist (Chile starts DST at 00:00 → 01:00): the day starts at 01:00.
    const santiago = new TimeZone('America/Santiago');
    const start = santiago.fromLocal(Date.UTC(2026, 8, 6));
    assert.equal(new Date(start).toISOString(), '2026-09-06T04:00:00.000Z');
  });
});
