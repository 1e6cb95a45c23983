/**
 * Keeps the planner statistics of the history tables current after bulk writes, as
 * postgres-statistics.ts does for the entity tables (read its comment for the reasons and
 * the rule). A never-analysed partition is planned as holding a few rows: `lastN=100` of a
 * 1,000,000-instance series then became a bitmap scan of all of them and a sort (716 ms
 * instead of 0.13 ms, measured), and an hourly aggregation a sort spilling to disk instead
 * of a hash (940 ms). The check covers every partition of `attr_history`.
 */
import type { PostgresSql } from './postgres-database.js';
import {
  createStatisticsKeeper,
  type StatisticsKeeper,
  type StatisticsScope,
} from './postgres-statistics.js';

/** Instances written by this instance between two looks at the counters. */
export const HISTORY_CHECK_EVERY = 10_000;

/** Every partition of `attr_history`, and the history's entity tables. */
const HISTORY_TABLES: StatisticsScope = {
  tables: `c.oid IN (SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = 'attr_history'::regclass)
      OR c.oid = ANY(ARRAY['history_entities', 'history_types']::regclass[])`,
  // Partition and table names Civis creates: safe to write into the statement.
  isSafeName: (name) =>
    /^(attr_history_y\d{4}m\d{2}|attr_history_default|history_entities|history_types)$/.test(name),
  checkEvery: HISTORY_CHECK_EVERY,
};

export type HistoryStatistics = StatisticsKeeper;

export function createHistoryStatistics(sql: PostgresSql): HistoryStatistics {
  return createStatisticsKeeper(sql, HISTORY_TABLES);
}
