/**
 * Opens the SQLite database of a deployment and brings its schema up to date.
 *
 * Durability: WAL with `synchronous = NORMAL`. A commit is in the WAL file before the
 * write call returns, so an acknowledged write survives a killed process (`kill -9`);
 * only an operating-system crash or power loss can lose the last commits (SQLite
 * documentation, "WAL mode"). See src/adapters/README.md.
 */
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { pendingMigrations, type SqlMigration } from '../sql/sql-migration.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';

/** Pages of a new database: see openSqliteDatabase. */
const SQLITE_PAGE_SIZE = 8192;

export function openSqliteDatabase(
  path: string,
  migrations: readonly SqlMigration[] = SQLITE_MIGRATIONS,
): SqliteDatabase {
  const db = new Database(path);
  try {
    configureSqlite(db);
    migrateSqlite(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The settings of every connection Civis opens on one of its files. */
export function configureSqlite(db: SqliteDatabase): void {
  // Only a new database takes it (before its first table; an existing one keeps its size).
  // Documents are about 2 KB: a 4 KiB page held one and wasted the rest. With 8 KiB the
  // file is a fifth smaller and bulk loads faster; larger pages would make each index
  // page a random update dirties (a partial update dirties two or three) cost more WAL.
  db.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Another process holding the write lock (a backup, a second instance) makes us wait, not fail.
  db.pragma('busy_timeout = 5000');
  // The index b-trees of a city (hundreds of thousands of rows) stay in memory: 64 MiB of
  // page cache instead of SQLite's 2 MiB default, which made every batch write re-read pages.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  // A WAL file that grew (a long transaction, a lagging checkpoint) shrinks back to
  // this size once checkpointed, instead of keeping its largest size on disk.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}

/** Applies pending migrations under the write lock, so concurrent starts apply each once. */
export function migrateSqlite(
  db: SqliteDatabase,
  migrations: readonly SqlMigration[] = SQLITE_MIGRATIONS,
): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const migrate = db.transaction(() => {
    const applied = new Set(
      db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
    );
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of pendingMigrations(migrations, applied)) {
      for (const statement of migration.statements) db.exec(statement);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  });
  migrate.immediate();
}
