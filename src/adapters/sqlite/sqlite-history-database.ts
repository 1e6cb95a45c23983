/**
 * The history file: the attribute history of a SQLite deployment in a database file of its
 * own beside the main one (`civis.db` → `civis-history.db`), so that the worker projecting
 * the change log into it (sqlite-history-projector.worker.ts) never waits for the main
 * connection's write lock, nor makes it wait.
 *
 * A deployment whose history is still in the main file (versions before the history file)
 * has it moved once: copied into the new file in the transaction that records how far the
 * projection is (every change logged until then already has its history), then deleted
 * from the main file. The main file keeps the empty tables; a database in memory still
 * uses them (sqlite-stores.ts).
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { SqlMigration } from '../sql/sql-migration.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { HISTORY_MIGRATION } from './sqlite-history-schema.js';

export const HISTORY_FILE_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'attribute-history',
    statements: [
      ...HISTORY_MIGRATION.statements,
      // The last change of the main file's change log that is in the history; no row until
      // the file is adopted (adoptMainHistory).
      'CREATE TABLE history_projection (seq INTEGER NOT NULL)',
    ],
  },
];

const HISTORY_TABLES = {
  history_entities: 'pk, tenant, id, types, scope, created_at, modified_at',
  history_types: 'type, entity_pk',
  attr_history:
    'entity_pk, attr, ts, pk, dataset, observed_at, created_at, modified_at, deleted_at, vclass, num, txt, vkey, doc',
} as const;

/** `civis.db` → `civis-history.db`. */
export function historyFilePath(mainPath: string): string {
  const dot = mainPath.lastIndexOf('.');
  const slash = mainPath.lastIndexOf('/');
  return dot > slash + 1
    ? `${mainPath.slice(0, dot)}-history${mainPath.slice(dot)}`
    : `${mainPath}-history`;
}

/** Opens (creating when needed) the history file of the main database `main`. */
export function openSqliteHistoryDatabase(main: SqliteDatabase, path: string): SqliteDatabase {
  const db = openSqliteDatabase(path, HISTORY_FILE_MIGRATIONS);
  try {
    if (projectedSeq(db) === undefined) adoptMainHistory(db, main);
    clearMainHistory(main);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A history file ahead of its main file (the main file restored from an older copy): the
 * projection would skip the main file's new changes, so it goes back to the main file's
 * last change. Returns what was done, to be logged, or undefined when the files agree.
 */
export function alignProjection(db: SqliteDatabase, main: SqliteDatabase): string | undefined {
  const projected = projectedSeq(db) ?? 0;
  const last =
    (main.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'entity_changes'").pluck().get() as
      number | undefined) ?? 0;
  if (projected <= last) return undefined;
  db.prepare('UPDATE history_projection SET seq = ?').run(last);
  return `The history file had projected change ${projected}, but the main file has logged only ${last} changes (was it restored from an older copy?): projecting from ${last}.`;
}

/** The last change in the history; undefined before adoption. */
export function projectedSeq(db: SqliteDatabase): number | undefined {
  return db.prepare('SELECT seq FROM history_projection').pluck().get() as number | undefined;
}

function adoptMainHistory(db: SqliteDatabase, main: SqliteDatabase): void {
  db.prepare('ATTACH DATABASE ? AS legacy').run(main.name);
  try {
    db.transaction(() => {
      for (const [table, columns] of Object.entries(HISTORY_TABLES))
        db.exec(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM legacy.${table}`);
      db.exec('UPDATE history_sequence SET last = (SELECT last FROM legacy.history_sequence)');
      db.exec(
        `INSERT INTO history_projection (seq) VALUES (coalesce(
          (SELECT seq FROM legacy.sqlite_sequence WHERE name = 'entity_changes'), 0))`,
      );
    }).immediate();
  } finally {
    db.exec('DETACH DATABASE legacy');
  }
}

function clearMainHistory(main: SqliteDatabase): void {
  if (main.prepare('SELECT 1 FROM history_entities LIMIT 1').get() === undefined) return;
  main
    .transaction(() => {
      for (const table of Object.keys(HISTORY_TABLES)) main.exec(`DELETE FROM ${table}`);
    })
    .immediate();
}
