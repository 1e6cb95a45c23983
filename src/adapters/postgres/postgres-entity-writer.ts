/**
 * Writes the outcome of a mutation batch (sql/mutation-plan.ts) into PostgreSQL in a fixed
 * number of statements whatever the batch size: arrays bound as parameters and expanded
 * with `unnest`, so 1,000 upserts cost a handful of round trips, not thousands.
 */
import type postgres from 'postgres';
import type { Entity } from '../../ngsi-ld/model.js';
import { buildEntityIndexRows } from '../sql/entity-index-rows.js';
import { entityDoc } from '../sql/entity-doc.js';
import type { EntityWrite } from '../sql/mutation-plan.js';
import type { PostgresParameter } from './postgres-database.js';

type Tx = postgres.TransactionSql;

function run(tx: Tx, text: string, params: unknown[]): Promise<postgres.RowList<postgres.Row[]>> {
  return tx.unsafe(text, params as PostgresParameter[]);
}

async function deleteRows(tx: Tx, entityPks: number[], deletedPks: number[]): Promise<void> {
  if (entityPks.length > 0) {
    for (const table of ['entity_types', 'attr_values', 'geo_boxes']) {
      await run(tx, `DELETE FROM ${table} WHERE entity_pk = ANY($1::bigint[])`, [entityPks]);
    }
  }
  if (deletedPks.length > 0)
    await run(tx, 'DELETE FROM entities WHERE pk = ANY($1::bigint[])', [deletedPks]);
}

async function updateEntities(
  tx: Tx,
  updates: Array<{ pk: number; entity: Entity }>,
): Promise<void> {
  if (updates.length === 0) return;
  await run(
    tx,
    `UPDATE entities AS e SET doc = u.doc::json, created_at = u.created_at, modified_at = u.modified_at
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(pk, doc, created_at, modified_at) WHERE e.pk = u.pk`,
    [
      updates.map((u) => u.pk),
      updates.map((u) => entityDoc(u.entity)),
      updates.map((u) => u.entity.createdAt),
      updates.map((u) => u.entity.modifiedAt),
    ],
  );
}

/** Inserts in batch order, so the new primary keys follow creation order. */
async function insertEntities(tx: Tx, tenant: string, entities: Entity[]): Promise<number[]> {
  if (entities.length === 0) return [];
  const rows = await run(
    tx,
    `INSERT INTO entities (tenant, id, doc, created_at, modified_at)
     SELECT $1::text, u.id, u.doc::json, u.created_at, u.modified_at
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(id, doc, created_at, modified_at, ord)
     ORDER BY u.ord RETURNING pk, id`,
    [
      tenant,
      entities.map((e) => e.id),
      entities.map((e) => entityDoc(e)),
      entities.map((e) => e.createdAt),
      entities.map((e) => e.modifiedAt),
    ],
  );
  const pks = new Map(rows.map((row) => [row['id'] as string, row['pk'] as number]));
  return entities.map((entity) => pks.get(entity.id) as number);
}

async function insertIndexRows(
  tx: Tx,
  tenant: string,
  indexed: Array<{ pk: number; entity: Entity }>,
): Promise<void> {
  const types: { pk: number[]; type: string[] } = { pk: [], type: [] };
  const values: {
    pk: number[];
    attr: string[];
    kind: string[];
    inst: number[];
    num: Array<number | null>;
    str: Array<string | null>;
  } = {
    pk: [],
    attr: [],
    kind: [],
    inst: [],
    num: [],
    str: [],
  };
  const boxes: { pk: number[]; attr: string[]; box: number[][] } = {
    pk: [],
    attr: [],
    box: [[], [], [], []],
  };
  for (const { pk, entity } of indexed) {
    const rows = buildEntityIndexRows(entity);
    for (const type of rows.types) {
      types.pk.push(pk);
      types.type.push(type);
    }
    for (const row of rows.values) {
      values.pk.push(pk);
      values.attr.push(row.attr);
      values.kind.push(row.kind);
      values.inst.push(row.inst);
      values.num.push(row.num);
      values.str.push(row.str);
    }
    for (const { attr, box } of rows.boxes) {
      boxes.pk.push(pk);
      boxes.attr.push(attr);
      box.forEach((edge, i) => boxes.box[i]?.push(edge));
    }
  }
  if (types.pk.length > 0) {
    await run(
      tx,
      'INSERT INTO entity_types (tenant, type, entity_pk) SELECT $1::text, * FROM unnest($2::text[], $3::bigint[])',
      [tenant, types.type, types.pk],
    );
  }
  if (values.pk.length > 0) {
    await run(
      tx,
      `INSERT INTO attr_values (tenant, attr, kind, inst, num, str, entity_pk)
       SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::integer[], $5::float8[], $6::text[], $7::bigint[])`,
      [tenant, values.attr, values.kind, values.inst, values.num, values.str, values.pk],
    );
  }
  if (boxes.pk.length > 0) {
    await run(
      tx,
      `INSERT INTO geo_boxes (tenant, attr, entity_pk, box)
       SELECT $1::text, u.attr, u.pk, box(point(u.min_lon, u.min_lat), point(u.max_lon, u.max_lat))
       FROM unnest($2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::float8[]) AS u(attr, pk, min_lon, min_lat, max_lon, max_lat)`,
      [tenant, boxes.attr, boxes.pk, ...boxes.box],
    );
  }
}

export async function writeEntities(tx: Tx, tenant: string, writes: EntityWrite[]): Promise<void> {
  const reindexed: number[] = [];
  const deleted: number[] = [];
  const updates: Array<{ pk: number; entity: Entity }> = [];
  const inserts: Entity[] = [];
  for (const write of writes) {
    if (write.op !== 'insert') reindexed.push(write.pk);
    if (write.op === 'delete' || write.op === 'replace') deleted.push(write.pk);
    if (write.op === 'update') updates.push({ pk: write.pk, entity: write.entity });
    if (write.op === 'insert' || write.op === 'replace') inserts.push(write.entity);
  }
  await deleteRows(tx, reindexed, deleted);
  await updateEntities(tx, updates);
  const insertedPks = await insertEntities(tx, tenant, inserts);
  await insertIndexRows(tx, tenant, [
    ...updates,
    ...inserts.map((entity, i) => ({ pk: insertedPks[i] as number, entity })),
  ]);
}
