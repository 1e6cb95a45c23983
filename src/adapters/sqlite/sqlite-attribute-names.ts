/**
 * The numbers that index rows (attr_values, migration 12) name attributes by. A number is
 * made the first time a write stores an attribute, inside that write's transaction, and is
 * kept in memory only once the transaction committed: a number made by a transaction that
 * rolled back no longer exists, and another may take it. Numbers are never removed, so a
 * remembered one stays right; another process writing the same file only adds names, which
 * a miss reads back.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

export interface SqliteAttributeNames {
  /** The number of `iri`, made if new. Only inside a write transaction. */
  idOf(iri: string): number;
  /** The transaction that called idOf committed: its numbers are remembered. */
  committed(): void;
  /** It rolled back: the numbers it made are forgotten. */
  rolledBack(): void;
}

/** Names remembered; beyond, the least used are read again from the table when needed. */
const REMEMBERED = 10_000;

export function createSqliteAttributeNames(db: SqliteDatabase): SqliteAttributeNames {
  const known = new LRUCache<string, number>({ max: REMEMBERED });
  let made = new Map<string, number>();
  const insert = db.prepare<[string]>('INSERT OR IGNORE INTO attr_names (iri) VALUES (?)');
  const select = db.prepare<[string], number>('SELECT id FROM attr_names WHERE iri = ?').pluck();

  return {
    idOf(iri) {
      const id = known.get(iri) ?? made.get(iri);
      if (id !== undefined) return id;
      insert.run(iri);
      const stored = select.get(iri);
      if (stored === undefined) throw new Error(`attribute name not stored: ${iri}`);
      made.set(iri, stored);
      return stored;
    },
    committed() {
      for (const [iri, id] of made) known.set(iri, id);
      made = new Map();
    },
    rolledBack() {
      made = new Map();
    },
  };
}
