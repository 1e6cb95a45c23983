/**
 * Keeps the planner statistics of the index tables current after bulk writes, without
 * relying on autovacuum (which may be disabled, and wakes up once a minute at best).
 *
 * Never-analyzed tables are the dangerous case: PostgreSQL then estimates any equality at
 * a few rows, and a `LIMIT 301` read of a 100,000-entity type is planned as a bitmap scan
 * of all 100,000 rows (22 ms instead of 0.2 ms, measured). Queries are written to keep
 * their shape whatever the estimates (sql/condition-sql.ts, postgres-dialect.ts); this
 * keeps the remaining choices (index or bitmap scan of one leaf) informed.
 *
 * Cheap and safe with several instances: the decision reads the server's own counters
 * (`pg_stat_get_mod_since_analyze`, shared by every instance), an instance checks
 * only after it wrote `CHECK_EVERY` entities and never runs two checks at once, and
 * `ANALYZE (SKIP_LOCKED)` skips a table another session is already analysing. ANALYZE
 * reads a sample (30,000 rows), takes a lock that blocks neither reads nor writes, and runs
 * on a pool connection after the write has been acknowledged.
 */
import type { PostgresSql } from './postgres-database.js';

/** Entities written by this instance between two looks at the counters. */
export const CHECK_EVERY = 1_000;

/** The tables queries plan over (fixed names, safe to write into the statement). */
const TABLES = ['entities', 'entity_types', 'attr_values', 'geo_boxes'] as const;

/** Which tables a keeper looks after, and how often it looks. */
export interface StatisticsScope {
  /** A condition on `pg_class c` selecting the tables. */
  tables: string;
  /** Names safe to write into ANALYZE (only tables Civis creates). */
  isSafeName(name: string): boolean;
  /** Rows written by this instance between two looks at the counters. */
  checkEvery: number;
}

/** The index tables of the entity store. */
export const ENTITY_TABLES: StatisticsScope = {
  tables: `c.oid = ANY(ARRAY[${TABLES.map((t) => `'${t}'`).join(', ')}]::regclass[])`,
  isSafeName: (name) => TABLES.some((t) => t === name),
  checkEvery: CHECK_EVERY,
};

/**
 * Tables to analyse: never analysed nor vacuumed (`reltuples` -1, whatever the counters
 * say: a backend reports its changes up to 10 s late), changed by more rows than they had
 * at the last analysis, or autovacuum's own rule (50 rows + 10 %) once that analysis is a
 * minute old.
 */
function staleTables(scope: StatisticsScope): string {
  return `
  SELECT c.relname AS name FROM (
    SELECT c.relname, c.reltuples, pg_stat_get_mod_since_analyze(c.oid) AS changed,
      greatest(pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid)) AS analysed
    FROM pg_class c WHERE ${scope.tables}
  ) AS c
  WHERE c.reltuples < 0
    OR (c.changed > 0 AND (c.analysed IS NULL OR c.changed > c.reltuples
      OR (c.changed > 50 + 0.1 * c.reltuples AND c.analysed < now() - interval '1 minute')))`;
}

export interface StatisticsKeeper {
  /** Notes rows written by a committed write; may start a check in the background. */
  noteWrites(rows: number): void;
  /** Resolves when no check is running (for closing and tests). */
  idle(): Promise<void>;
}

export function createStatisticsKeeper(
  sql: PostgresSql,
  scope: StatisticsScope = ENTITY_TABLES,
): StatisticsKeeper {
  const stale = staleTables(scope);
  return createPeriodicCheck(scope.checkEvery, async () => {
    const rows = await sql.unsafe<Array<{ name: string }>>(stale);
    const names = rows.map((row) => row.name).filter((name) => scope.isSafeName(name));
    if (names.length > 0) await sql.unsafe(`ANALYZE (SKIP_LOCKED) ${names.join(', ')}`);
  });
}

/**
 * Runs `check` in the background once `checkEvery` rows were written since the last one,
 * never two at once. Upkeep only: a failed check (a pool being closed) waits for the next.
 */
export function createPeriodicCheck(
  checkEvery: number,
  check: () => Promise<void>,
): StatisticsKeeper {
  let written = 0;
  let running: Promise<void> | undefined;
  return {
    noteWrites(rows) {
      written += rows;
      if (running !== undefined || written < checkEvery) return;
      written = 0;
      // A role that does not own the tables gets a warning from ANALYZE or VACUUM, not an error.
      running = check()
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
        });
    },
    idle: () => running ?? Promise.resolve(),
  };
}
