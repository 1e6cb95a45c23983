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

/** What the server's counters say of one table (`staleTables` reads them). */
export interface TableActivity {
  name: string;
  /** Rows at the last ANALYZE or VACUUM; -1 when the table never had either. */
  reltuples: number;
  /** Rows now, by the counters. */
  live: number;
  /** Rows inserted, updated or deleted since the last ANALYZE. */
  changed: number;
  /** Seconds since the last ANALYZE, manual or automatic; null: never analysed. */
  sinceAnalysed: number | null;
}

/**
 * Tables to analyse: never analysed nor vacuumed (`reltuples` -1, whatever the counters
 * say: a backend reports its changes up to 10 s late); grown to more than twice the rows
 * of the last analysis (a bulk load: the planner's estimates are then off by orders of
 * magnitude); or, by autovacuum's own rule, changed by more than 50 rows + 10 % once that
 * analysis is a minute old. Growth, not changes, is the urgent case: a table whose rows
 * are updated over and over (measurements) changes by more rows than it holds every few
 * seconds, and analysing it that often cost a quarter of a core for nothing (ingest bench).
 */
export function tablesToAnalyse(tables: readonly TableActivity[]): string[] {
  return tables
    .filter(
      (t) =>
        t.reltuples < 0 ||
        (t.changed > 0 &&
          (t.sinceAnalysed === null ||
            t.live > 2 * t.reltuples + 50 ||
            (t.changed > 50 + 0.1 * t.reltuples && t.sinceAnalysed >= 60))),
    )
    .map((t) => t.name);
}

function staleTables(scope: StatisticsScope): string {
  return `
  SELECT c.relname AS name, c.reltuples::float8 AS reltuples,
    pg_stat_get_live_tuples(c.oid)::float8 AS live,
    pg_stat_get_mod_since_analyze(c.oid)::float8 AS changed,
    extract(epoch FROM now() - greatest(pg_stat_get_last_analyze_time(c.oid),
      pg_stat_get_last_autoanalyze_time(c.oid)))::float8 AS "sinceAnalysed"
  FROM pg_class c WHERE ${scope.tables}`;
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
    const rows = await sql.unsafe<TableActivity[]>(stale);
    const names = tablesToAnalyse(rows).filter((name) => scope.isSafeName(name));
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
