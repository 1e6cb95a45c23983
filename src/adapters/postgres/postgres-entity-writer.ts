/**
 * Writes the outcome of a mutation batch (sql/mutation-plan.ts) into PostgreSQL in a fixed
 * number of statements whatever the batch size: arrays bound as parameters and expanded
 * with `unnest`, so 1,000 upserts cost a handful of statements, not thousands. The
 * statements of each phase are sent together (the driver pipelines them on the
 * transaction's connection, executed in order), so a batch costs two round trips.
 *
 * An update rewrites only the index rows of the attributes whose rows changed
 * (entity-index-rows.ts, changedAttributeRows), as the SQLite writer does: a partial update
 * of one attribute deletes and inserts that attribute's two rows, not the entity's twenty.
 */
import type postgres from 'postgres';
import type { BBox } from '../../ngsi-ld/geo/bounding-box.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { entityDoc } from '../sql/entity-doc.js';
import {
  buildEntityIndexRows,
  changedAttributeRows,
  entityTypeRows,
  sameBoxes,
  type AttrValueRow,
} from '../sql/entity-index-rows.js';
import type { EntityWrite } from '../sql/mutation-plan.js';
import type { PostgresParameter } from './postgres-database.js';
import { jsonRows } from './postgres-json-rows.js';

/** Entity rows for json_to_recordset. */
const UPDATED_ROW_COLUMNS = ['pk', 'doc', 'created_at', 'modified_at'];
const INSERTED_ROW_COLUMNS = ['id', 'doc', 'created_at', 'modified_at', 'ord'];
const VALUE_ROW_COLUMNS = ['attr', 'kind', 'inst', 'num', 'str', 'pk'];

type Tx = postgres.TransactionSql;

function run(tx: Tx, text: string, params: unknown[]): Promise<postgres.RowList<postgres.Row[]>> {
  return tx.unsafe(text, params as PostgresParameter[]);
}

/** Index rows to insert, as column arrays for `unnest`. */
class IndexRowColumns {
  readonly types = { pk: [] as number[], type: [] as string[] };
  readonly values = {
    pk: [] as number[],
    attr: [] as string[],
    kind: [] as string[],
    inst: [] as number[],
    num: [] as Array<number | null>,
    str: [] as Array<string | null>,
  };
  readonly boxes = {
    pk: [] as number[],
    attr: [] as string[],
    edges: [[], [], [], []] as number[][],
  };

  addTypes(pk: number, types: readonly string[]): void {
    for (const type of types) {
      this.types.pk.push(pk);
      this.types.type.push(type);
    }
  }

  addValues(pk: number, rows: readonly AttrValueRow[]): void {
    for (const row of rows) {
      this.values.pk.push(pk);
      this.values.attr.push(row.attr);
      this.values.kind.push(row.kind);
      this.values.inst.push(row.inst);
      this.values.num.push(row.num);
      this.values.str.push(row.str);
    }
  }

  addBox(pk: number, attr: string, box: BBox): void {
    this.boxes.pk.push(pk);
    this.boxes.attr.push(attr);
    box.forEach((edge, i) => this.boxes.edges[i]?.push(edge));
  }

  addEntity(pk: number, entity: Entity): void {
    const rows = buildEntityIndexRows(entity);
    this.addTypes(pk, rows.types);
    this.addValues(pk, rows.values);
    for (const { attr, box } of rows.boxes) this.addBox(pk, attr, box);
  }

  insert(tx: Tx, tenant: string): Array<Promise<unknown>> {
    const statements: Array<Promise<unknown>> = [];
    if (this.types.pk.length > 0)
      statements.push(
        run(
          tx,
          'INSERT INTO entity_types (tenant, type, entity_pk) SELECT $1::text, * FROM unnest($2::text[], $3::bigint[])',
          [tenant, this.types.type, this.types.pk],
        ),
      );
    const v = this.values;
    if (v.pk.length > 0)
      statements.push(
        run(
          tx,
          `INSERT INTO attr_values (tenant, attr, kind, inst, num, str, entity_pk)
           SELECT $1::text, u.attr, u.kind, u.inst, u.num, u.str, u.pk
           FROM json_to_recordset($2::text::json) AS u(attr text, kind text, inst integer, num float8, str text, pk bigint)`,
          [
            tenant,
            jsonRows(
              VALUE_ROW_COLUMNS,
              v.pk.map((pk, i) => [v.attr[i], v.kind[i], v.inst[i], v.num[i], v.str[i], pk]),
            ),
          ],
        ),
      );
    const b = this.boxes;
    if (b.pk.length > 0)
      statements.push(
        run(
          tx,
          `INSERT INTO geo_boxes (tenant, attr, entity_pk, box)
           SELECT $1::text, u.attr, u.pk, box(point(u.min_lon, u.min_lat), point(u.max_lon, u.max_lat))
           FROM unnest($2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::float8[]) AS u(attr, pk, min_lon, min_lat, max_lon, max_lat)`,
          [tenant, b.attr, b.pk, ...b.edges],
        ),
      );
    return statements;
  }
}

/** (entity pk, attribute) pairs whose rows of one table go. */
class AttributeKeys {
  readonly pk: number[] = [];
  readonly attr: string[] = [];
  add(pk: number, attr: string): void {
    this.pk.push(pk);
    this.attr.push(attr);
  }
  delete(tx: Tx, table: 'attr_values' | 'geo_boxes'): Array<Promise<unknown>> {
    if (this.pk.length === 0) return [];
    return [
      run(
        tx,
        `DELETE FROM ${table} WHERE (entity_pk, attr) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
        [this.pk, this.attr],
      ),
    ];
  }
}

function deleteByEntity(tx: Tx, table: string, pks: number[]): Array<Promise<unknown>> {
  if (pks.length === 0) return [];
  return [run(tx, `DELETE FROM ${table} WHERE entity_pk = ANY($1::bigint[])`, [pks])];
}

function updateEntities(tx: Tx, updates: Array<{ pk: number; entity: Entity }>) {
  if (updates.length === 0) return [];
  return [
    run(
      tx,
      `UPDATE entities AS e SET doc = u.doc::json, created_at = u.created_at, modified_at = u.modified_at
       FROM json_to_recordset($1::text::json) AS u(pk bigint, doc text, created_at text, modified_at text)
       WHERE e.pk = u.pk`,
      [
        jsonRows(
          UPDATED_ROW_COLUMNS,
          updates.map((u) => [u.pk, entityDoc(u.entity), u.entity.createdAt, u.entity.modifiedAt]),
        ),
      ],
    ),
  ];
}

/** Inserts in batch order, so the new primary keys follow creation order. */
async function insertEntities(tx: Tx, tenant: string, entities: Entity[]): Promise<number[]> {
  if (entities.length === 0) return [];
  const rows = await run(
    tx,
    `INSERT INTO entities (tenant, id, doc, created_at, modified_at)
     SELECT $1::text, u.id, u.doc::json, u.created_at, u.modified_at
     FROM json_to_recordset($2::text::json) AS u(id text, doc text, created_at text, modified_at text, ord integer)
     ORDER BY u.ord RETURNING pk, id`,
    [
      tenant,
      jsonRows(
        INSERTED_ROW_COLUMNS,
        entities.map((e, i) => [e.id, entityDoc(e), e.createdAt, e.modifiedAt, i]),
      ),
    ],
  );
  const pks = new Map(rows.map((row) => [row['id'] as string, row['pk'] as number]));
  return entities.map((entity) => pks.get(entity.id) as number);
}

export async function writeEntities(tx: Tx, tenant: string, writes: EntityWrite[]): Promise<void> {
  const removed: number[] = []; // deleted or replaced: every index row goes
  const retyped: number[] = [];
  const changedValues = new AttributeKeys();
  const changedBoxes = new AttributeKeys();
  const updates: Array<{ pk: number; entity: Entity }> = [];
  const inserts: Entity[] = [];
  const rows = new IndexRowColumns();
  for (const write of writes) {
    if (write.op === 'insert') inserts.push(write.entity);
    else if (write.op === 'delete') removed.push(write.pk);
    else if (write.op === 'replace') {
      removed.push(write.pk);
      inserts.push(write.entity);
    } else {
      const { pk, previous, entity } = write;
      updates.push({ pk, entity });
      const types = entityTypeRows(entity);
      const before = entityTypeRows(previous);
      if (types.length !== before.length || types.some((type) => !before.includes(type))) {
        retyped.push(pk);
        rows.addTypes(pk, types);
      }
      for (const change of changedAttributeRows(previous, entity)) {
        changedValues.add(pk, change.attr);
        rows.addValues(pk, change.next.values);
        if (sameBoxes(change.previous.boxes, change.next.boxes)) continue;
        changedBoxes.add(pk, change.attr);
        for (const box of change.next.boxes) rows.addBox(pk, change.attr, box);
      }
    }
  }
  // Phase 1: every deletion and update, then the inserts whose keys the index rows need
  // (in this order: a replaced entity's row must be gone before its id is inserted again).
  const phase1: Array<Promise<unknown>> = [
    ...deleteByEntity(tx, 'entity_types', [...removed, ...retyped]),
    ...deleteByEntity(tx, 'attr_values', removed),
    ...deleteByEntity(tx, 'geo_boxes', removed),
    ...changedValues.delete(tx, 'attr_values'),
    ...changedBoxes.delete(tx, 'geo_boxes'),
    ...(removed.length > 0
      ? [run(tx, 'DELETE FROM entities WHERE pk = ANY($1::bigint[])', [removed])]
      : []),
    ...updateEntities(tx, updates),
  ];
  // The driver's queries are lazy: Promise.all sends phase 1 now, before the inserts.
  const phase1Done = Promise.all(phase1);
  phase1Done.catch(() => undefined); // awaited below; must not be unhandled if the insert fails
  const insertedPks = await insertEntities(tx, tenant, inserts);
  await phase1Done;
  inserts.forEach((entity, i) => rows.addEntity(insertedPks[i] as number, entity));
  // Phase 2: the index rows.
  await Promise.all(rows.insert(tx, tenant));
}
