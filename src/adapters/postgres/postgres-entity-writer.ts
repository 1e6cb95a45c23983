/**
 * Writes the outcome of a mutation batch (sql/mutation-plan.ts) into PostgreSQL in a fixed
 * number of statements whatever the batch size, in the phases of the entity store's
 * transaction (postgres-entity-store.ts), all sent one after another without waiting:
 * 1. `statements`: the deleted entities' rows and the updated documents;
 * 2. `indexStatements`: the changed attributes' rows go, the type and box rows come;
 * 3. `copies`: the value rows and the new entity rows, through COPY (postgres-copy.ts).
 * New entities get their primary keys from the sequence beforehand, in batch order, so
 * their keys follow creation order and the index rows can be built before they are sent.
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
import type { CopyJob } from './postgres-copy.js';
import type { PostgresParameter } from './postgres-database.js';

type Tx = postgres.TransactionSql;

/**
 * Named prepared statements: the driver describes an unnamed statement with parameters
 * before binding it, a round trip that also holds back every statement sent after it.
 */
function run(tx: Tx, text: string, params: unknown[]): Promise<postgres.RowList<postgres.Row[]>> {
  return tx.unsafe(text, params as PostgresParameter[], { prepare: true });
}

/** Index rows to insert: the small tables as column arrays for `unnest`, values for COPY. */
class IndexRows {
  readonly types = { pk: [] as number[], type: [] as string[] };
  readonly values: Array<{ pk: number; rows: readonly AttrValueRow[] }> = [];
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
    if (rows.length > 0) this.values.push({ pk, rows });
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

  valueCopy(tenant: string): CopyJob[] {
    if (this.values.length === 0) return [];
    return [
      {
        table: 'attr_values',
        columns: ['tenant', 'attr', 'kind', 'inst', 'num', 'str', 'akind', 'entity_pk'],
        types: ['text', 'text', 'text', 'integer', 'float8', 'text', 'text', 'bigint'],
        rows: () =>
          this.values.flatMap(({ pk, rows }) =>
            rows.map((row) => [
              tenant,
              row.attr,
              row.kind,
              row.inst,
              row.num,
              row.str,
              row.akind,
              pk,
            ]),
          ),
      },
    ];
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

const RECORD_SEPARATOR = '\u001e';

/**
 * Joins texts for `string_to_array($n, E'\x1e')`: one text parameter the server splits
 * without parsing, where a JSON recordset costs a JSON.stringify of every document and two
 * parses by the server. U+001E cannot occur in JSON text (raw control characters are
 * invalid even inside strings) nor in a timestamp; an empty text would vanish.
 */
function separated(texts: readonly string[]): string {
  if (texts.some((text) => text.length === 0 || text.includes(RECORD_SEPARATOR)))
    throw new Error('Texts to separate must be non-empty, without U+001E');
  return texts.join(RECORD_SEPARATOR);
}

function updateEntities(tx: Tx, updates: ReadonlyArray<{ pk: number; entity: Entity }>) {
  if (updates.length === 0) return [];
  return [
    run(
      tx,
      `UPDATE entities AS e SET doc = u.doc::json, created_at = u.created_at, modified_at = u.modified_at
       FROM unnest($1::bigint[], string_to_array($2, E'\\x1e'), string_to_array($3, E'\\x1e'),
         string_to_array($4, E'\\x1e')) AS u(pk, doc, created_at, modified_at)
       WHERE e.pk = u.pk`,
      [
        updates.map((u) => u.pk),
        separated(updates.map((u) => entityDoc(u.entity))),
        separated(updates.map((u) => u.entity.createdAt)),
        separated(updates.map((u) => u.entity.modifiedAt)),
      ],
    ),
  ];
}

/** The writes of one batch, sorted into the statements of each phase. */
export class EntityWriteBatch {
  /** Entities to insert, in batch order: `assignKeys` takes one key for each. */
  readonly inserts: Entity[] = [];
  private readonly removed: number[] = []; // deleted or replaced: every index row goes
  private readonly retyped: number[] = [];
  private readonly changedValues = new AttributeKeys();
  private readonly changedBoxes = new AttributeKeys();
  private readonly updates: Array<{ pk: number; previous: Entity; entity: Entity }> = [];
  private readonly rows = new IndexRows();
  private insertedPks: readonly number[] = [];

  constructor(writes: readonly EntityWrite[]) {
    for (const write of writes) {
      if (write.op === 'insert') this.inserts.push(write.entity);
      else if (write.op === 'delete') this.removed.push(write.pk);
      else if (write.op === 'replace') {
        this.removed.push(write.pk);
        this.inserts.push(write.entity);
      } else this.updates.push(write);
    }
  }

  /**
   * Phase 1: the deleted and replaced entities' rows and the updated documents (a replaced
   * entity's row must be gone before its id is inserted again); sent before the index rows
   * are worked out, so that the server starts on them at once.
   */
  statements(tx: Tx): Array<Promise<unknown>> {
    const { removed } = this;
    return [
      ...deleteByEntity(tx, 'entity_types', removed),
      ...deleteByEntity(tx, 'attr_values', removed),
      ...deleteByEntity(tx, 'geo_boxes', removed),
      ...(removed.length > 0
        ? [run(tx, 'DELETE FROM entities WHERE pk = ANY($1::bigint[])', [removed])]
        : []),
      ...updateEntities(tx, this.updates),
    ];
  }

  /**
   * The keys the sequence gave the inserts, in their order: builds their index rows, and
   * the rows of the updated entities' changed attributes.
   */
  assignKeys(pks: readonly number[]): void {
    this.insertedPks = pks;
    for (const { pk, previous, entity } of this.updates) this.addUpdate(pk, previous, entity);
    this.inserts.forEach((entity, i) => this.rows.addEntity(pks[i] as number, entity));
  }

  private addUpdate(pk: number, previous: Entity, entity: Entity): void {
    const types = entityTypeRows(entity);
    const before = entityTypeRows(previous);
    if (types.length !== before.length || types.some((type) => !before.includes(type))) {
      this.retyped.push(pk);
      this.rows.addTypes(pk, types);
    }
    for (const change of changedAttributeRows(previous, entity)) {
      this.changedValues.add(pk, change.attr);
      this.rows.addValues(pk, change.next.values);
      if (sameBoxes(change.previous.boxes, change.next.boxes)) continue;
      this.changedBoxes.add(pk, change.attr);
      for (const box of change.next.boxes) this.rows.addBox(pk, change.attr, box);
    }
  }

  /**
   * Phase 2, after assignKeys: the updated entities' changed rows go, then the type and box
   * rows are inserted.
   */
  indexStatements(tx: Tx, tenant: string): Array<Promise<unknown>> {
    return [
      ...deleteByEntity(tx, 'entity_types', this.retyped),
      ...this.changedValues.delete(tx, 'attr_values'),
      ...this.changedBoxes.delete(tx, 'geo_boxes'),
      ...this.rows.insert(tx, tenant),
    ];
  }

  /** Phase 3: the value rows (the longest copy), then the new entity rows. */
  copies(tenant: string): CopyJob[] {
    const entities: CopyJob[] =
      this.inserts.length === 0
        ? []
        : [
            {
              table: 'entities',
              columns: ['pk', 'tenant', 'id', 'doc', 'created_at', 'modified_at'],
              types: ['bigint', 'text', 'text', 'json', 'text', 'text'],
              rows: () =>
                this.inserts.map((entity, i) => [
                  this.insertedPks[i],
                  tenant,
                  entity.id,
                  entityDoc(entity),
                  entity.createdAt,
                  entity.modifiedAt,
                ]),
            },
          ];
    return [...this.rows.valueCopy(tenant), ...entities];
  }
}
