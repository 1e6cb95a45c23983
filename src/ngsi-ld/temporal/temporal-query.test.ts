import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest } from '../entity/entity.fixtures.js';
import { parseTemporalQuery } from './temporal-query.js';

const T1 = '2018-08-01T12:00:00Z';
const T2 = '2018-08-01T13:00:00Z';

describe('parseTemporalQuery', () => {
  it('parseTemporalQuery maps before/after/between to half-open windows (temporal.md §3)', () => {
    assert.deepEqual(parseTemporalQuery({ timerel: 'before', timeAt: T1 }, { required: true }), {
      window: { timeproperty: 'observedAt', timerel: 'before', to: Date.parse(T1) },
    });
    assert.deepEqual(parseTemporalQuery({ timerel: 'after', timeAt: T1 }, { required: true }), {
      window: { timeproperty: 'observedAt', timerel: 'after', from: Date.parse(T1) },
    });
    const between = parseTemporalQuery(
      { timerel: 'between', timeAt: T1, endTimeAt: T2, timeproperty: 'modifiedAt', lastN: '5' },
      { required: true },
    );
    assert.deepEqual(between, {
      window: {
        timeproperty: 'modifiedAt',
        timerel: 'between',
        from: Date.parse(T1),
        to: Date.parse(T2),
      },
      lastN: 5,
    });
  });

  it('parseTemporalQuery without timerel is the whole history when not required', () => {
    assert.deepEqual(parseTemporalQuery({}, { required: false }), {
      window: { timeproperty: 'observedAt' },
    });
    assert.throws(() => parseTemporalQuery({}, { required: true }), badRequest(/timerel/));
  });

  it('parseTemporalQuery rejects incomplete or contradictory temporal queries', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ timerel: 'during', timeAt: T1 }, /timerel must be/],
      [{ timerel: 'after' }, /needs timeAt/],
      [{ timeAt: T1 }, /timeAt needs timerel/],
      [{ timerel: 'between', timeAt: T1 }, /needs endTimeAt/],
      [{ timerel: 'after', timeAt: T1, endTimeAt: T2 }, /only allowed with timerel=between/],
      [{ timerel: 'between', timeAt: T2, endTimeAt: T1 }, /later than timeAt/],
      [{ timerel: 'after', timeAt: '2018-08-01' }, /timeAt must be a UTC DateTime/],
      [{ timerel: 'after', timeAt: '2018-02-30T00:00:00Z' }, /timeAt/],
      [{ timerel: 'after', timeAt: T1, timeproperty: 'expiresAt' }, /timeproperty/],
      [{ timerel: 'after', timeAt: T1, lastN: '0' }, /lastN/],
      [{ timerel: 'after', timeAt: T1, lastN: '-3' }, /lastN/],
      [{ timerel: 'after', timeAt: T1, lastN: '1e3' }, /lastN/],
      [{ timerel: 'after', timeAt: T1, lastN: '99999999999999999999' }, /lastN/],
    ];
    for (const [input, pattern] of cases)
      assert.throws(() => parseTemporalQuery(input, { required: false }), badRequest(pattern));
  });

  it('parseTemporalQuery rounds sub-millisecond bounds up, exact for instances at whole milliseconds', () => {
    const ms = Date.parse('2018-08-01T12:00:00.000Z');
    const window = (timeAt: string, endTimeAt?: string) =>
      parseTemporalQuery(
        { timerel: endTimeAt === undefined ? 'after' : 'between', timeAt, endTimeAt },
        { required: true },
      ).window;
    assert.equal(window('2018-08-01T12:00:00.000999Z').from, ms + 1);
    assert.equal(window('2018-08-01T12:00:00.000000Z').from, ms);
    assert.equal(window('2018-08-01T12:00:00.5Z').from, ms + 500);
    assert.equal(window('1969-12-31T23:59:59.9995Z').from, 0);
    // Later by a few microseconds only: a valid, empty window.
    const narrow = window('2018-08-01T12:00:00.000100Z', '2018-08-01T12:00:00.000200Z');
    assert.deepEqual([narrow.from, narrow.to], [ms + 1, ms + 1]);
    assert.throws(
      () => window('2018-08-01T12:00:00.000200Z', '2018-08-01T12:00:00.000200Z'),
      badRequest(/later than timeAt/),
    );
  });

  it('parseTemporalQuery accepts lastN as a number (temporalQ body)', () => {
    assert.equal(parseTemporalQuery({ lastN: 10 }, { required: false }).lastN, 10);
  });
});
