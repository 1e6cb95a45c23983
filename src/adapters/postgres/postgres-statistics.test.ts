import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tablesToAnalyse, type TableActivity } from './postgres-statistics.js';

const table = (activity: Partial<TableActivity>): TableActivity => ({
  name: 't',
  reltuples: 10_000,
  live: 10_000,
  changed: 0,
  sinceAnalysed: 5,
  ...activity,
});

describe('tablesToAnalyse', () => {
  it('analyses a table never analysed nor vacuumed, whatever its counters say', () => {
    assert.deepEqual(tablesToAnalyse([table({ reltuples: -1, live: 0, changed: 0 })]), ['t']);
  });

  it('analyses a changed table that was vacuumed but never analysed', () => {
    assert.deepEqual(tablesToAnalyse([table({ changed: 10, sinceAnalysed: null })]), ['t']);
  });

  it('analyses a table grown to more than twice its rows at once, however recent the analysis', () => {
    assert.deepEqual(
      tablesToAnalyse([
        table({ name: 'grown', live: 20_051, changed: 10_051 }),
        table({ name: 'not yet', live: 20_050, changed: 10_050 }),
        table({ name: 'from empty', reltuples: 0, live: 51, changed: 51 }),
      ]),
      ['grown', 'from empty'],
    );
  });

  it('leaves a table whose rows are updated over and over until its analysis is a minute old', () => {
    const churned = { changed: 100_000, live: 10_000 };
    assert.deepEqual(tablesToAnalyse([table({ ...churned, sinceAnalysed: 59 })]), []);
    assert.deepEqual(tablesToAnalyse([table({ ...churned, sinceAnalysed: 60 })]), ['t']);
  });

  it('then follows autovacuum: more than 50 rows + 10 % changed', () => {
    assert.deepEqual(
      tablesToAnalyse([
        table({ name: 'few', changed: 1_050, sinceAnalysed: 3_600 }),
        table({ name: 'enough', changed: 1_051, sinceAnalysed: 3_600 }),
      ]),
      ['enough'],
    );
  });
});
