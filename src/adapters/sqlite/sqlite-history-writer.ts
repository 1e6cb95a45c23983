/**
 * Writes the attribute history on SQLite. Synchronous, to run inside a better-sqlite3
 * transaction. `append` records entity changes: in their own transaction for a database in
 * memory (temporal.md §5), else in the history file's projection of the change log
 * (sqlite-history-projector.worker.ts); the history store calls `record` for the temporal API.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import { feedStateWrite, nextEntityState, type EntityStateWrite } from '../sql/history-entities.js';
import {
  changeInstances,
  HISTORY_COLUMNS,
  historyRow,
  type EntityRow,
  type HistoryRow,
  type RecordedInstance,
} from '../sql/history-rows.js';

/** Rows per INSERT statement: fewer calls into SQLite for large appends. */
const ROWS_PER_INSERT = 32;

export interface SqliteHistoryWriter {
  /** Records what committed entity changes did to their attributes. */
  append(changes: readonly EntityChange[]): void;
  findEntity(tenant: string, id: string): EntityRow | undefined;
  /** Creates the entity (with `write.types`) when missing; returns its row. */
  saveEntity(tenant: string, id: string, write: EntityStateWrite): EntityRow;
  /** Inserts instances of one entity; `pk` reuses an instance number (modify instance). */
  record(entityPk: number, instances: readonly RecordedInstance[], pk?: number): void;
}

export function createSqliteHistoryWriter(db: SqliteDatabase): SqliteHistoryWriter {
  const selectEntity = db.prepare<[string, string], EntityRow>(
    'SELECT pk, id, types, scope, created_at, modified_at FROM history_entities WHERE tenant = ? AND id = ?',
  );
  const insertEntity = db.prepare<[string, string, string, string | null, string, string]>(
    'INSERT INTO history_entities (tenant, id, types, scope, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const updateEntity = db.prepare<[string, string | null, string, number]>(
    'UPDATE history_entities SET types = ?, scope = ?, modified_at = ? WHERE pk = ?',
  );
  const deleteTypes = db.prepare<[number]>('DELETE FROM history_types WHERE entity_pk = ?');
  const insertType = db.prepare<[string, number]>(
    'INSERT OR IGNORE INTO history_types (type, entity_pk) VALUES (?, ?)',
  );
  const nextPks = db.prepare<[number], { last: number }>(
    'UPDATE history_sequence SET last = last + ? RETURNING last',
  );
  const placeholders = `(${HISTORY_COLUMNS.map(() => '?').join(', ')})`;
  const insertText = (n: number) =>
    `INSERT INTO attr_history (${HISTORY_COLUMNS.join(', ')}) VALUES ${Array(n).fill(placeholders).join(', ')}`;
  const insertMany = db.prepare(insertText(ROWS_PER_INSERT));
  const insertOne = db.prepare(insertText(1));

  function insertRows(rows: HistoryRow[]): void {
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT)
      insertMany.run(rows.slice(i, i + ROWS_PER_INSERT).flat());
    for (; i < rows.length; i++) insertOne.run(rows[i]);
  }

  function saveEntity(tenant: string, id: string, write: EntityStateWrite): EntityRow {
    const row = selectEntity.get(tenant, id);
    const next = nextEntityState(row, write);
    const typesText = JSON.stringify(next.types);
    let pk: number;
    if (row === undefined) {
      pk = Number(
        insertEntity.run(tenant, id, typesText, next.scope, next.createdAt, next.modifiedAt)
          .lastInsertRowid,
      );
    } else {
      pk = row.pk;
      updateEntity.run(typesText, next.scope, next.modifiedAt, pk);
      if (next.typesChanged) deleteTypes.run(pk);
    }
    if (next.typesChanged) for (const type of next.types) insertType.run(type, pk);
    return {
      pk,
      id,
      types: typesText,
      scope: next.scope,
      created_at: next.createdAt,
      modified_at: next.modifiedAt,
    };
  }

  function record(entityPk: number, instances: readonly RecordedInstance[], pk?: number): void {
    if (instances.length === 0) return;
    let next =
      pk ?? (nextPks.get(instances.length) as { last: number }).last - instances.length + 1;
    insertRows(instances.map((instance) => historyRow(entityPk, next++, instance)));
  }

  return {
    append(changes) {
      for (const change of changes) {
        const instances = changeInstances(change);
        if (instances.length === 0 && change.current === null) continue;
        const row = saveEntity(change.tenant, change.entityId, feedStateWrite(change));
        record(row.pk, instances);
      }
    },
    findEntity: (tenant, id) => selectEntity.get(tenant, id),
    saveEntity,
    record,
  };
}
