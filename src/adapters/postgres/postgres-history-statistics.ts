/**
 * Keeps the planner statistics of the history tables current after bulk writes, as
 * postgres-statistics.ts does for the entity tables (read its comment for the reasons and
 * the rule). A never-analysed partition is planned as holding a few rows: `lastN=100` of a
 * 1,000,000-instance series then became a bitmap scan of all of them and a sort (716 ms
 * instead of 0.13 ms, measured), and an hourly aggregation a sort spilling to disk instead
 * of a hash (940 ms). The check covers every partition of `attr_history`.
 */
import type { PostgresSql } from './postgres-database.js';

/** Instances written by this instance between two looks at the counters. */
export const HISTORY_CHECK_EVERY = 10_000;

const STALE_TABLES = `
  SELECT c.relname AS name FROM (
    SELECT c.relname, c.reltuples, pg_stat_get_mod_since_analyze(c.oid) AS changed,
      greatest(pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid)) AS analysed
    FROM pg_class c
    WHERE c.oid IN (SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = 'attr_history'::regclass)
      OR c.oid = ANY(ARRAY['history_entities', 'history_types']::regclass[])
  ) AS c
  WHERE c.reltuples < 0
    OR (c.changed > 0 AND (c.analysed IS NULL OR c.changed > c.reltuples
      OR (c.changed > 50 + 0.1 * c.reltuples AND c.analysed < now() - interval '1 minute')))`;

/** Partition and table names Civis creates: safe to write into the statement. */
const SAFE_NAME =
  /^(attr_history_y\d{4}m\d{2}|attr_history_default|history_entities|history_types)$/;

export interface HistoryStatistics {
  /** Notes instances written by a committed write; may start a check in the background. */
  noteWrites(instances: number): void;
  /** Resolves when no check is running. */
  idle(): Promise<void>;
}

export function createHistoryStatistics(sql: PostgresSql): HistoryStatistics {
  let written = 0;
  let running: Promise<void> | undefined;

  async function check(): Promise<void> {
    const stale = await sql.unsafe<Array<{ name: string }>>(STALE_TABLES);
    const names = stale.map((row) => row.name).filter((name) => SAFE_NAME.test(name));
    if (names.length > 0) await sql.unsafe(`ANALYZE (SKIP_LOCKED) ${names.join(', ')}`);
  }

  return {
    noteWrites(instances) {
      written += instances;
      if (running !== undefined || written < HISTORY_CHECK_EVERY) return;
      written = 0;
      // Statistics only speed queries up: a failure waits for the next check.
      running = check()
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
        });
    },
    idle: () => running ?? Promise.resolve(),
  };
}
