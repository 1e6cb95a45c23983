import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest } from '../entity/entity.fixtures.js';
import {
  addDuration,
  isCalendarDuration,
  isZeroDuration,
  parseIsoDuration,
  subtractDuration,
} from './iso-duration.js';

const at = (text: string) => Date.parse(text);

describe('parseIsoDuration', () => {
  it('parseIsoDuration reads fixed durations in milliseconds (temporal.md §2)', () => {
    assert.equal(parseIsoDuration('PT1H', 'p').fixedMs, 3_600_000);
    assert.equal(parseIsoDuration('PT4M', 'p').fixedMs, 240_000);
    assert.equal(parseIsoDuration('P1D', 'p').fixedMs, 86_400_000);
    assert.equal(parseIsoDuration('P2W', 'p').fixedMs, 14 * 86_400_000);
    assert.equal(parseIsoDuration('P1DT1H30M1.5S', 'p').fixedMs, 91_801_500);
    assert.equal(parseIsoDuration('PT0,25S', 'p').fixedMs, 250);
  });

  it('parseIsoDuration keeps years and months as calendar parts', () => {
    const duration = parseIsoDuration('P1Y2M', 'p');
    assert.deepEqual([duration.years, duration.months, duration.fixedMs], [1, 2, 0]);
    assert.equal(isCalendarDuration(duration), true);
    assert.equal(isCalendarDuration(parseIsoDuration('P30D', 'p')), false);
  });

  it('parseIsoDuration reads PT0S as the zero duration', () => {
    assert.equal(isZeroDuration(parseIsoDuration('PT0S', 'p')), true);
  });

  it('parseIsoDuration rejects texts that are not ISO 8601 durations', () => {
    for (const text of ['', 'P', 'PT', '1H', 'PT1', 'P1H', 'PT-1H', 'P1.5D', 'pt1h', 'PT1H ', 42])
      assert.throws(
        () => parseIsoDuration(text, 'aggrPeriodDuration'),
        badRequest(/aggrPeriodDuration/),
      );
  });

  it('parseIsoDuration refuses durations longer than 1000 years (periods must be representable)', () => {
    for (const text of ['P1001Y', 'P999999Y', 'P12001M', 'P365243D', 'PT999999999999S'])
      assert.throws(
        () => parseIsoDuration(text, 'aggrPeriodDuration'),
        badRequest(/aggrPeriodDuration .* is longer than 1000 years/),
      );
    for (const text of ['P1000Y', 'P12000M', 'P365242D'])
      assert.equal(parseIsoDuration(text, 'p').text, text);
  });
});

describe('addDuration', () => {
  it('addDuration adds months on the UTC calendar, clamping to the end of the month', () => {
    const month = parseIsoDuration('P1M', 'p');
    assert.equal(addDuration(at('2026-01-31T10:00:00Z'), month), at('2026-02-28T10:00:00Z'));
    assert.equal(addDuration(at('2024-01-31T00:00:00Z'), month), at('2024-02-29T00:00:00Z'));
    assert.equal(addDuration(at('2026-12-15T00:00:00Z'), month), at('2027-01-15T00:00:00Z'));
    const mixed = parseIsoDuration('P1YT1H', 'p');
    assert.equal(addDuration(at('2026-03-01T00:00:00Z'), mixed), at('2027-03-01T01:00:00Z'));
  });

  it('subtractDuration goes back by the same calendar and fixed parts', () => {
    assert.equal(
      subtractDuration(at('2026-03-31T12:00:00Z'), parseIsoDuration('P1MT12H', 'p')),
      at('2026-02-28T00:00:00Z'),
    );
    assert.equal(
      subtractDuration(at('2026-03-31T12:00:00Z'), parseIsoDuration('P30D', 'p')),
      at('2026-03-01T12:00:00Z'),
    );
  });
});
