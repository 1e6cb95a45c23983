/**
 * Writes the outcome of a mutation batch (sql/mutation-plan.ts) into SQLite with prepared
 * statements: the entity row and its index rows (entity_types, attr_values, geo_boxes +
 * geo_rtree). Runs inside the caller's transaction.
 *
 * An update touches only the index rows that differ from the stored state: per attribute
 * whose rows changed, rows are updated in place by position (`seq`), the extra ones
 * inserted or deleted. A partial update of one attribute thus writes one or two rows, or
 * none when only observedAt changed, instead of the ~20 rows of the entity; each row
 * rewritten costs a delete and an insert in one of the large partial indexes.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Entity } from '../../ngsi-ld/model.js';
import type { BBox } from '../../ngsi-ld/geo/bounding-box.js';
import {
  buildAttributeIndexRows,
  changedAttributeRows,
  entityTypeRows,
  sameBoxes,
  sameValueRow,
  type AttrValueRow,
  type AttributeRowsChange,
} from '../sql/entity-index-rows.js';
import { entityDoc } from '../sql/entity-doc.js';
import type { EntityWrite } from '../sql/mutation-plan.js';
import { createSqliteAttributeNames, type SqliteAttributeNames } from './sqlite-attribute-names.js';

export interface SqliteEntityWriter {
  write(tenant: string, writes: EntityWrite[]): void;
}

/** `names` gives the numbers attr_values rows name attributes by (migration 12). */
export function createSqliteEntityWriter(
  db: SqliteDatabase,
  names: SqliteAttributeNames = createSqliteAttributeNames(db),
): SqliteEntityWriter {
  const statements = {
    insertEntity: db.prepare(
      'INSERT INTO entities (tenant, id, doc, created_at, modified_at) VALUES (?, ?, ?, ?, ?)',
    ),
    updateEntity: db.prepare(
      'UPDATE entities SET doc = ?, created_at = ?, modified_at = ? WHERE pk = ?',
    ),
    deleteEntity: db.prepare('DELETE FROM entities WHERE pk = ?'),
    deleteTypes: db.prepare('DELETE FROM entity_types WHERE entity_pk = ?'),
    deleteType: db.prepare(
      'DELETE FROM entity_types WHERE tenant = ? AND type = ? AND entity_pk = ?',
    ),
    insertType: db.prepare('INSERT INTO entity_types (tenant, type, entity_pk) VALUES (?, ?, ?)'),
    deleteValues: db.prepare('DELETE FROM attr_values WHERE entity_pk = ?'),
    deleteValuesFrom: db.prepare(
      'DELETE FROM attr_values WHERE entity_pk = ? AND attr = ? AND seq >= ?',
    ),
    updateValue: db.prepare(
      'UPDATE attr_values SET kind = ?, inst = ?, num = ?, str = ?, akind = ? WHERE entity_pk = ? AND attr = ? AND seq = ?',
    ),
    insertValue: db.prepare(
      'INSERT INTO attr_values (entity_pk, attr, seq, tenant, kind, inst, num, str, akind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteRtree: db.prepare(
      'DELETE FROM geo_rtree WHERE id IN (SELECT id FROM geo_boxes WHERE entity_pk = ?)',
    ),
    deleteBoxes: db.prepare('DELETE FROM geo_boxes WHERE entity_pk = ?'),
    deleteAttributeRtree: db.prepare(
      'DELETE FROM geo_rtree WHERE id IN (SELECT id FROM geo_boxes WHERE entity_pk = ? AND attr = ?)',
    ),
    deleteAttributeBoxes: db.prepare('DELETE FROM geo_boxes WHERE entity_pk = ? AND attr = ?'),
    insertBox: db.prepare('INSERT INTO geo_boxes (tenant, attr, entity_pk) VALUES (?, ?, ?)'),
    insertRtree: db.prepare(
      'INSERT INTO geo_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)',
    ),
  };

  /** Rows of one attribute, numbered `attr` (names.idOf), from position `fromSeq`. */
  function insertValues(
    tenant: string,
    pk: number,
    attr: number,
    rows: AttrValueRow[],
    fromSeq: number,
  ): void {
    for (let seq = fromSeq; seq < rows.length; seq++) {
      const row = rows[seq] as AttrValueRow;
      statements.insertValue.run(
        pk,
        attr,
        seq,
        tenant,
        row.kind,
        row.inst,
        row.num,
        row.str,
        row.akind,
      );
    }
  }

  function insertBoxes(tenant: string, pk: number, attr: string, boxes: BBox[]): void {
    for (const box of boxes) {
      const id = statements.insertBox.run(tenant, attr, pk).lastInsertRowid;
      statements.insertRtree.run(id, box[0], box[2], box[1], box[3]);
    }
  }

  function insertIndexRows(tenant: string, pk: number, entity: Entity): void {
    for (const type of entityTypeRows(entity)) statements.insertType.run(tenant, type, pk);
    for (const [attr, instances] of Object.entries(entity.attrs)) {
      const rows = buildAttributeIndexRows(attr, instances);
      insertValues(tenant, pk, names.idOf(attr), rows.values, 0);
      insertBoxes(tenant, pk, attr, rows.boxes);
    }
  }

  function deleteIndexRows(pk: number): void {
    statements.deleteTypes.run(pk);
    statements.deleteValues.run(pk);
    statements.deleteRtree.run(pk);
    statements.deleteBoxes.run(pk);
  }

  /** Brings one attribute's rows from `previous` to `next`, position by position. */
  function rewriteAttribute(tenant: string, pk: number, change: AttributeRowsChange): void {
    const { attr, previous, next } = change;
    // Every instance has a row (entity-index-rows.ts): the attribute has rows on one side.
    const attrId = names.idOf(attr);
    const kept = Math.min(previous.values.length, next.values.length);
    for (let seq = 0; seq < kept; seq++) {
      const row = next.values[seq] as AttrValueRow;
      if (sameValueRow(previous.values[seq] as AttrValueRow, row)) continue;
      statements.updateValue.run(row.kind, row.inst, row.num, row.str, row.akind, pk, attrId, seq);
    }
    if (previous.values.length > kept) statements.deleteValuesFrom.run(pk, attrId, kept);
    insertValues(tenant, pk, attrId, next.values, kept);
    if (sameBoxes(previous.boxes, next.boxes)) return;
    if (previous.boxes.length > 0) {
      statements.deleteAttributeRtree.run(pk, attr);
      statements.deleteAttributeBoxes.run(pk, attr);
    }
    insertBoxes(tenant, pk, attr, next.boxes);
  }

  function updateTypes(tenant: string, pk: number, previous: Entity, next: Entity): void {
    const before = entityTypeRows(previous);
    const after = entityTypeRows(next);
    for (const type of before)
      if (!after.includes(type)) statements.deleteType.run(tenant, type, pk);
    for (const type of after)
      if (!before.includes(type)) statements.insertType.run(tenant, type, pk);
  }

  function insertEntity(tenant: string, entity: Entity): void {
    const doc = entityDoc(entity);
    const pk = Number(
      statements.insertEntity.run(tenant, entity.id, doc, entity.createdAt, entity.modifiedAt)
        .lastInsertRowid,
    );
    insertIndexRows(tenant, pk, entity);
  }

  function updateEntity(tenant: string, pk: number, previous: Entity, entity: Entity): void {
    statements.updateEntity.run(entityDoc(entity), entity.createdAt, entity.modifiedAt, pk);
    updateTypes(tenant, pk, previous, entity);
    for (const change of changedAttributeRows(previous, entity))
      rewriteAttribute(tenant, pk, change);
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
            updateEntity(tenant, write.pk, write.previous, write.entity);
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
