/**
 * Writes the outcome of a mutation batch (sql/mutation-plan.ts) into SQLite with prepared
 * statements: the entity row, then its index rows rewritten (entity_types, attr_values,
 * geo_boxes + geo_rtree). Runs inside the caller's transaction.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Entity } from '../../ngsi-ld/model.js';
import { buildEntityIndexRows } from '../sql/entity-index-rows.js';
import type { EntityWrite } from '../sql/mutation-plan.js';

export interface SqliteEntityWriter {
  write(tenant: string, writes: EntityWrite[]): void;
}

export function createSqliteEntityWriter(db: SqliteDatabase): SqliteEntityWriter {
  const statements = {
    insertEntity: db.prepare(
      'INSERT INTO entities (tenant, id, doc, created_at, modified_at) VALUES (?, ?, ?, ?, ?)',
    ),
    updateEntity: db.prepare(
      'UPDATE entities SET doc = ?, created_at = ?, modified_at = ? WHERE pk = ?',
    ),
    deleteEntity: db.prepare('DELETE FROM entities WHERE pk = ?'),
    deleteTypes: db.prepare('DELETE FROM entity_types WHERE entity_pk = ?'),
    deleteValues: db.prepare('DELETE FROM attr_values WHERE entity_pk = ?'),
    deleteRtree: db.prepare(
      'DELETE FROM geo_rtree WHERE id IN (SELECT id FROM geo_boxes WHERE entity_pk = ?)',
    ),
    deleteBoxes: db.prepare('DELETE FROM geo_boxes WHERE entity_pk = ?'),
    insertType: db.prepare('INSERT INTO entity_types (tenant, type, entity_pk) VALUES (?, ?, ?)'),
    insertValue: db.prepare(
      'INSERT INTO attr_values (entity_pk, seq, tenant, attr, kind, inst, num, str) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertBox: db.prepare('INSERT INTO geo_boxes (tenant, attr, entity_pk) VALUES (?, ?, ?)'),
    insertRtree: db.prepare(
      'INSERT INTO geo_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)',
    ),
  };

  function deleteIndexRows(pk: number): void {
    statements.deleteTypes.run(pk);
    statements.deleteValues.run(pk);
    statements.deleteRtree.run(pk);
    statements.deleteBoxes.run(pk);
  }

  function insertIndexRows(tenant: string, pk: number, entity: Entity): void {
    const rows = buildEntityIndexRows(entity);
    for (const type of rows.types) statements.insertType.run(tenant, type, pk);
    rows.values.forEach((row, seq) =>
      statements.insertValue.run(pk, seq, tenant, row.attr, row.kind, row.inst, row.num, row.str),
    );
    for (const { attr, box } of rows.boxes) {
      const id = statements.insertBox.run(tenant, attr, pk).lastInsertRowid;
      statements.insertRtree.run(id, box[0], box[2], box[1], box[3]);
    }
  }

  function insertEntity(tenant: string, entity: Entity): void {
    const doc = JSON.stringify(entity);
    const pk = Number(
      statements.insertEntity.run(tenant, entity.id, doc, entity.createdAt, entity.modifiedAt)
        .lastInsertRowid,
    );
    insertIndexRows(tenant, pk, entity);
  }

  function deleteEntity(pk: number): void {
    deleteIndexRows(pk);
    statements.deleteEntity.run(pk);
  }

  return {
    write(tenant, writes) {
      for (const write of writes) {
        switch (write.op) {
          case 'insert':
            insertEntity(tenant, write.entity);
            break;
          case 'update':
            statements.updateEntity.run(
              JSON.stringify(write.entity),
              write.entity.createdAt,
              write.entity.modifiedAt,
              write.pk,
            );
            deleteIndexRows(write.pk);
            insertIndexRows(tenant, write.pk, write.entity);
            break;
          case 'delete':
            deleteEntity(write.pk);
            break;
          case 'replace':
            deleteEntity(write.pk);
            insertEntity(tenant, write.entity);
            break;
        }
      }
    },
  };
}
