/**
 * SQL functions the history reads use that SQLite lacks: `var_samp`, as PostgreSQL computes
 * it (aggregation.ts), so that both adapters answer stddev alike.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import {
  addToVariance,
  sampleVariance,
  type VarianceState,
} from '../../ngsi-ld/temporal/aggregation.js';

export function registerHistoryFunctions(db: SqliteDatabase): void {
  db.aggregate('var_samp', {
    start: (): VarianceState => ({ n: 0, sx: 0, sxx: 0 }),
    step: (state: VarianceState, value: unknown) =>
      typeof value === 'number' ? addToVariance(state, value) : state,
    result: (state: VarianceState) => sampleVariance(state),
    deterministic: true,
  });
}
