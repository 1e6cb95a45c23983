/**
 * Vacuums the tables Civis rewrites all the time once their dead rows pile up, without
 * waiting for autovacuum (which may be disabled, as on the CI machine, and looks at a table
 * once a minute at best, throttled).
 *
 * Every update of an entity leaves its previous row version dead in `entities`, the rows of
 * its changed attributes dead in `attr_values`, and its change-log row dead in
 * `entity_changes` once relayed: the change log is a queue, the classic case of a table
 * whose dead rows outnumber its live ones a thousandfold. Unvacuumed, 20 s of measurements
 * at 2,500/s left 868 MB in `entity_changes` (1,500 live rows), 421 MB in `entities`
 * (20,000 live) and 568,000 dead rows in `attr_values` (140,000 live), and every write
 * slowed down as inserts walked the dead index entries of the keys they reuse: ingest wrote
 * 2,437 measurements/s without this keeper and 2,910/s with it (bench, 20 s runs; ADR 0002).
 *
 * Same shape as the statistics keeper (postgres-statistics.ts): looks at the server's
 * counters after `VACUUM_CHECK_EVERY` entity writes of this instance, vacuums the tables
 * past the threshold with `SKIP_LOCKED` (a table autovacuum or another instance is
 * vacuuming is skipped), on a pool connection after the write was acknowledged.
 * - A table vacuumed (by anyone) less than `VACUUM_PAUSE_SECONDS` ago waits: when a long
 *   transaction holds the cleanup horizon back, VACUUM can remove nothing and the counters
 *   stay high, and the keeper must not scan the same pages again every few hundred writes.
 * - `TRUNCATE false`: giving the empty end of a table back to the file system takes an
 *   exclusive lock, which would stall the writes of the change log (a queue: its end is
 *   often empty); the pages are reused instead. Otherwise VACUUM blocks neither reads nor
 *   writes.
 */
import type { PostgresSql } from './postgres-database.js';
import { createPeriodicCheck, type StatisticsKeeper } from './postgres-statistics.js';

/** Entity writes of this instance between two looks at the counters. */
export const VACUUM_CHECK_EVERY = 2_000;

/** Dead rows a table may hold before it is vacuumed: this many, plus a tenth of its live rows. */
export const DEAD_ROWS_ALLOWED = 1_000;
const DEAD_SHARE_ALLOWED = 0.1;

/** The least time between two vacuums of a table. */
export const VACUUM_PAUSE_SECONDS = 10;

/**
 * Tables rewritten by every entity write or notification (fixed names, safe to write into
 * the statement); those that do not exist (no history or subscription schema) are left out.
 */
export const CHURNING_TABLES = [
  'entity_changes',
  'entities',
  'attr_values',
  'geo_boxes',
  'entity_types',
  'history_entities',
  'notification_outbox',
  'ingest_rejections',
] as const;

export interface TableRows {
  name: string;
  live: number;
  dead: number;
  /** Seconds since the table's last vacuum, manual or automatic; null: never vacuumed. */
  sinceVacuum: number | null;
}

/** The tables whose dead rows passed the threshold and that were not vacuumed just now. */
export function tablesToVacuum(tables: readonly TableRows[]): string[] {
  return tables
    .filter(
      (t) =>
        t.dead > DEAD_ROWS_ALLOWED + DEAD_SHARE_ALLOWED * t.live &&
        (t.sinceVacuum === null || t.sinceVacuum >= VACUUM_PAUSE_SECONDS),
    )
    .map((t) => t.name);
}

const COUNTERS = `
  SELECT c.relname AS name, pg_stat_get_live_tuples(c.oid)::float8 AS live,
    pg_stat_get_dead_tuples(c.oid)::float8 AS dead,
    extract(epoch FROM now() - greatest(pg_stat_get_last_vacuum_time(c.oid),
      pg_stat_get_last_autovacuum_time(c.oid)))::float8 AS "sinceVacuum"
  FROM pg_class c
  WHERE c.oid IN (SELECT to_regclass(t) FROM unnest($1::text[]) AS t)`;

export type VacuumKeeper = StatisticsKeeper;

export function createVacuumKeeper(sql: PostgresSql): VacuumKeeper {
  const safe = new Set<string>(CHURNING_TABLES);
  return createPeriodicCheck(VACUUM_CHECK_EVERY, async () => {
    const rows = await sql.unsafe<TableRows[]>(COUNTERS, [[...CHURNING_TABLES]]);
    const names = tablesToVacuum(rows).filter((name) => safe.has(name));
    if (names.length > 0)
      await sql.unsafe(`VACUUM (SKIP_LOCKED, TRUNCATE false) ${names.join(', ')}`);
  });
}
