import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest } from '../entity/entity.fixtures.js';
import {
  addToVariance,
  aggregatedValue,
  aggregationView,
  isApplicable,
  parseAggregationMethods,
  sampleVariance,
  ValueClass,
  type PeriodSums,
} from './aggregation.js';

describe('aggregationView', () => {
  it('aggregationView keeps numbers, booleans as 1/0 and array sizes as numbers', () => {
    assert.deepEqual(aggregationView({ type: 'Property', value: 12.5 }), {
      valueClass: ValueClass.number,
      num: 12.5,
      text: null,
      key: '12.5',
    });
    assert.equal(aggregationView({ type: 'Property', value: true }).num, 1);
    assert.equal(aggregationView({ type: 'Property', value: [1, 2, 3] }).num, 3);
    assert.equal(aggregationView({ type: 'ListProperty', valueList: ['a', 'b'] }).num, 2);
  });

  it('aggregationView classifies strings, temporal literals, relationships and the rest', () => {
    assert.equal(aggregationView({ type: 'Property', value: 'on' }).text, 'on');
    const date = aggregationView({
      type: 'Property',
      value: { '@type': 'DateTime', '@value': '2026-01-01T00:00:00Z' },
    });
    assert.deepEqual(
      [date.valueClass, date.text],
      [ValueClass.temporal, '2026-01-01T00:00:00.000Z'],
    );
    assert.equal(
      aggregationView({ type: 'Relationship', object: 'urn:a' }).valueClass,
      ValueClass.relationship,
    );
    assert.equal(
      aggregationView({ type: 'LanguageProperty', languageMap: { en: 'x' } }).valueClass,
      ValueClass.other,
    );
    assert.equal(
      aggregationView({ type: 'Property', value: 'urn:ngsi-ld:null' }).valueClass,
      ValueClass.deleted,
    );
  });
});

describe('aggregation methods', () => {
  it('parseAggregationMethods reads a comma list or an array, and rejects unknown methods', () => {
    assert.deepEqual(parseAggregationMethods('max,avg,max'), ['max', 'avg']);
    assert.deepEqual(parseAggregationMethods(['totalCount']), ['totalCount']);
    assert.throws(() => parseAggregationMethods('median'), badRequest(/median/));
    assert.throws(() => parseAggregationMethods([]), badRequest(/at least one/));
    assert.throws(() => parseAggregationMethods('avg,'), badRequest());
  });

  it('isApplicable follows the value-type table of temporal.md §2', () => {
    const { number, boolean, array, string, temporal, relationship, other } = ValueClass;
    assert.equal(isApplicable('stddev', number, boolean), true);
    assert.equal(isApplicable('stddev', number, array), false);
    assert.equal(isApplicable('avg', array, array), true);
    assert.equal(isApplicable('min', string, string), true);
    assert.equal(isApplicable('max', temporal, temporal), true);
    assert.equal(isApplicable('min', number, string), false);
    assert.equal(isApplicable('sum', string, string), false);
    assert.equal(isApplicable('max', relationship, relationship), false);
    assert.equal(isApplicable('distinctCount', relationship, other), true);
    assert.equal(isApplicable('totalCount', other, other), true);
  });

  it('aggregatedValue derives avg and the sample standard deviation from the sums', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9
    const variance = [2, 4, 4, 4, 5, 5, 7, 9].reduce(addToVariance, { n: 0, sx: 0, sxx: 0 });
    const sums: PeriodSums = {
      count: 8,
      distinct: 5,
      sum: 40,
      sumsq: 232,
      variance: sampleVariance(variance),
      unsummable: 0,
      minNum: 2,
      maxNum: 9,
      minText: null,
      maxText: null,
    };
    assert.equal(aggregatedValue('avg', sums, true), 5);
    assert.equal(aggregatedValue('stddev', sums, true), Math.sqrt(32 / 7));
    assert.equal(aggregatedValue('sumsq', sums, true), 232);
    assert.equal(aggregatedValue('min', sums, true), 2);
    assert.equal(aggregatedValue('distinctCount', sums, true), 5);
    assert.equal(aggregatedValue('stddev', { ...sums, count: 1, variance: null }, true), 0);
    assert.equal(aggregatedValue('max', { ...sums, maxText: 'z' }, false), 'z');
  });

  it('the sample variance is numerically stable (1e9, 1e9+1, 1e9+2 → 1)', () => {
    for (const order of [
      [1e9, 1e9 + 1, 1e9 + 2],
      [1e9 + 2, 1e9, 1e9 + 1],
    ]) {
      const state = order.reduce(addToVariance, { n: 0, sx: 0, sxx: 0 });
      assert.equal(sampleVariance(state), 1);
    }
    assert.equal(sampleVariance(addToVariance({ n: 0, sx: 0, sxx: 0 }, 5)), null);
  });

  it('aggregatedValue gives no sums for a period holding a number beyond MAX_SUMMED', () => {
    const sums: PeriodSums = {
      count: 2,
      distinct: 1,
      sum: 0,
      sumsq: 0,
      variance: null,
      unsummable: 2,
      minNum: 1e200,
      maxNum: 1e200,
      minText: null,
      maxText: null,
    };
    for (const method of ['sum', 'avg', 'stddev', 'sumsq'] as const)
      assert.equal(aggregatedValue(method, sums, true), null);
    assert.equal(aggregatedValue('max', sums, true), 1e200);
    assert.equal(aggregatedValue('totalCount', sums, true), 2);
  });
});
