/**
 * Migration 5: the attribute history of the temporal API (src/adapters/README.md, History).
 *
 * `attr_history` is clustered by series — `(entity_pk, attr, ts, pk)` in a WITHOUT ROWID
 * table — so that the instances of one attribute of one entity lie together in time order:
 * `lastN` reads the end of one key range and an aggregation scans one range sequentially,
 * with the values on the same pages. `pk` is the instance's number (its instanceId); the
 * last one handed out is kept in `history_sequence`, so a number is never given twice.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const HISTORY_MIGRATION: SqlMigration = {
  version: 5,
  name: 'attribute-history',
  statements: [
    `CREATE TABLE history_entities (
      pk INTEGER PRIMARY KEY,
      tenant TEXT NOT NULL,
      id TEXT NOT NULL,
      types TEXT NOT NULL,
      scope TEXT,
      created_at TEXT NOT NULL,
      modified_at TEXT NOT NULL
    )`,
    'CREATE UNIQUE INDEX history_entities_id ON history_entities (tenant, id)',
    `CREATE TABLE history_types (
      type TEXT NOT NULL,
      entity_pk INTEGER NOT NULL,
      PRIMARY KEY (type, entity_pk)
    ) WITHOUT ROWID`,
    'CREATE INDEX history_types_entity ON history_types (entity_pk)',
    `CREATE TABLE attr_history (
      entity_pk INTEGER NOT NULL,
      attr TEXT NOT NULL,
      ts INTEGER NOT NULL,
      pk INTEGER NOT NULL,
      dataset TEXT NOT NULL,
      observed_at INTEGER,
      created_at INTEGER NOT NULL,
      modified_at INTEGER NOT NULL,
      deleted_at INTEGER,
      vclass INTEGER NOT NULL,
      num REAL,
      txt TEXT,
      vkey TEXT,
      doc TEXT NOT NULL,
      PRIMARY KEY (entity_pk, attr, ts, pk)
    ) WITHOUT ROWID`,
    'CREATE UNIQUE INDEX attr_history_pk ON attr_history (pk)',
    'CREATE TABLE history_sequence (last INTEGER NOT NULL)',
    'INSERT INTO history_sequence (last) VALUES (0)',
  ],
};
