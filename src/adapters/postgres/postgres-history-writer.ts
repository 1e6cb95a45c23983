/**
 * Writes the attribute history on PostgreSQL inside a caller's transaction, in a fixed
 * number of statements whatever the number of instances (arrays expanded with `unnest`,
 * new instances copied with COPY): the entity store writes a `batch` in the transaction of
 * the entity changes it records (temporal.md §5), the history store calls
 * `saveEntities`/`record` for the temporal API.
 */
import type postgres from 'postgres';
import type { UnsequencedChange } from '../sql/change-rows.js';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';
import {
  feedStateWrite,
  nextEntityState,
  type EntityStateWrite,
  type NextEntityState,
} from '../sql/history-entities.js';
import {
  changeInstances,
  HISTORY_COLUMNS,
  historyRow,
  type EntityRow,
  type HistoryRow,
  type RecordedInstance,
} from '../sql/history-rows.js';
import { runCopies, type CopyJob } from './postgres-copy.js';
import type { PostgresParameter } from './postgres-database.js';
import { jsonRows } from './postgres-json-rows.js';
import type { HistoryPartitions } from './postgres-history-partitions.js';
import type { HistoryStatistics } from './postgres-history-statistics.js';

type Tx = postgres.TransactionSql;

/** An entity row as a write left it; `created` when this transaction inserted it. */
export interface SavedEntityRow extends EntityRow {
  created: boolean;
}

/** Instances to insert for one entity; `pk` reuses an instance number (modify instance). */
export interface EntityInstances {
  entityPk: number;
  instances: readonly RecordedInstance[];
  pk?: number;
}

export interface PostgresHistoryWriter {
  /**
   * Locks the history rows of entities about to change (sent with the entity store's own
   * lock, one round trip for both).
   */
  lockEntities(tx: Tx, tenant: string, ids: readonly string[]): Promise<Map<string, EntityRow>>;
  /**
   * What the changes of a mutation batch (of one tenant) add to the history, written in the
   * phases of the entity store's transaction (HistoryBatch); undefined when nothing.
   */
  batch(changes: readonly UnsequencedChange[]): HistoryBatch | undefined;
  /** Records what entity changes (of any tenants) did to their attributes, all phases at once. */
  append(tx: Tx, changes: readonly UnsequencedChange[]): Promise<void>;
  /** Applies writes in order (ids may repeat), creating missing entities; rows by id. */
  saveEntities(
    tx: Tx,
    tenant: string,
    writes: ReadonlyArray<{ id: string; write: EntityStateWrite }>,
  ): Promise<Map<string, SavedEntityRow>>;
  record(tx: Tx, batches: readonly EntityInstances[]): Promise<void>;
  registerTenant(tx: Tx, tenant: string): Promise<void>;
}

/** The history of one mutation batch, written in the entity store's transaction. */
export interface HistoryBatch {
  /**
   * Sends every statement of the batch's `history_entities` and `history_types` rows at
   * once, given the rows lockEntities returned for its ids (so that copies can follow them
   * without a round trip in between): `written` settles with them, and `copy` (the
   * instances, none perhaps; the partitions of their months are made before it starts) is
   * ready as soon as the entities' keys are known: at once when every row was locked, once
   * the insert returns the new keys otherwise. A
   * row another transaction created after the lock fails the batch with a retryable error
   * (SQLSTATE 40001): run again, it finds the row locked.
   */
  send(
    tx: Tx,
    tenant: string,
    locked: ReadonlyMap<string, EntityRow>,
  ): { written: Promise<unknown>; copy: CopyJob };
}

/** A history row created by another transaction since this one locked the rows. */
export function concurrentCreation(): Error {
  return Object.assign(new Error('A history entity was created concurrently'), {
    code: '40001',
  });
}

const ENTITY_COLUMNS = 'pk, id, types, scope, created_at, modified_at';

/** attr_history rows (HistoryRow) and their position, for json_to_recordset. */
const HISTORY_ROW_COLUMNS = [...HISTORY_COLUMNS, 'ord'];

/** Columns of a copied history row: `pk` comes from the column's default (the sequence). */
const COPIED_COLUMNS = HISTORY_COLUMNS.filter((column) => column !== 'pk');
const PK_INDEX = HISTORY_COLUMNS.indexOf('pk');

/** The types of HISTORY_COLUMNS. */
const HISTORY_TYPES = [
  'bigint',
  'text',
  'bigint',
  'bigint',
  'text',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'smallint',
  'float8',
  'text',
  'text',
  'text',
];

/** attr_history rows without their `pk`. */
function historyCopy(rows: () => readonly HistoryRow[]): CopyJob {
  return {
    table: 'attr_history',
    columns: COPIED_COLUMNS,
    types: HISTORY_TYPES.filter((_, i) => i !== PK_INDEX),
    rows: () => rows().map((row) => row.filter((_, i) => i !== PK_INDEX)),
  };
}

function run<T extends readonly object[] = postgres.Row[]>(
  tx: Tx,
  text: string,
  params: unknown[],
): Promise<postgres.RowList<T>> {
  return tx.unsafe(text, params as PostgresParameter[], { prepare: true }) as unknown as Promise<
    postgres.RowList<T>
  >;
}

/**
 * The state of each entity after `writes`, applied in order (ids may repeat), from its row;
 * a row in `created` was inserted by this transaction with that very state.
 */
function nextStates(
  writes: ReadonlyArray<{ id: string; write: EntityStateWrite }>,
  rows: ReadonlyMap<string, EntityRow>,
  created: ReadonlySet<string> = new Set(),
): Map<string, NextEntityState> {
  const states = new Map<string, NextEntityState>();
  for (const { id, write } of writes) {
    const before = states.get(id);
    const base = before
      ? { types: JSON.stringify(before.types), scope: before.scope, created_at: before.createdAt }
      : created.has(id)
        ? undefined
        : rows.get(id);
    const next = nextEntityState(base, write);
    if (before?.typesChanged) next.typesChanged = true;
    states.set(id, next);
  }
  return states;
}

const UPDATE_ENTITIES = `UPDATE history_entities AS e SET types = u.types, scope = u.scope, modified_at = u.modified_at
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(pk, types, scope, modified_at)
  WHERE e.pk = u.pk`;

/** The parameters of UPDATE_ENTITIES for the rows of `ids`: pk, types, scope, modified_at. */
function updatedEntityColumns(
  ids: readonly string[],
  pkOf: (id: string) => unknown,
  state: (id: string) => NextEntityState,
): unknown[][] {
  return [
    ids.map(pkOf),
    ids.map((id) => JSON.stringify(state(id).types)),
    ids.map((id) => state(id).scope),
    ids.map((id) => state(id).modifiedAt),
  ];
}

/** The unnest arrays of new history_entities rows: id, types, scope, created_at, modified_at. */
function insertedEntityColumns(
  ids: readonly string[],
  state: (id: string) => NextEntityState,
): unknown[][] {
  return [
    [...ids],
    ids.map((id) => JSON.stringify(state(id).types)),
    ids.map((id) => state(id).scope),
    ids.map((id) => state(id).createdAt),
    ids.map((id) => state(id).modifiedAt),
  ];
}

export function createPostgresHistoryWriter(
  partitions: HistoryPartitions,
  statistics?: HistoryStatistics,
): PostgresHistoryWriter {
  async function lockEntities(
    tx: Tx,
    tenant: string,
    ids: readonly string[],
  ): Promise<Map<string, EntityRow>> {
    const found = await run<EntityRow[]>(
      tx,
      `SELECT ${ENTITY_COLUMNS} FROM history_entities WHERE tenant = $1 AND id = ANY($2::text[]) ORDER BY id FOR UPDATE`,
      [tenant, [...ids].sort()],
    );
    return new Map(found.map((row) => [row.id, row]));
  }

  /**
   * saveEntities without waiting for its last statements (the type rows): they are sent,
   * and `pending` settles with them, so a caller pipelines its next statements behind them.
   */
  async function saveEntitiesPipelined(
    tx: Tx,
    tenant: string,
    writes: ReadonlyArray<{ id: string; write: EntityStateWrite }>,
    locked?: ReadonlyMap<string, EntityRow>,
  ): Promise<{ rows: Map<string, SavedEntityRow>; pending: Promise<unknown> }> {
    const ids = [...new Set(writes.map((w) => w.id))].sort();
    const rows = new Map<string, EntityRow>(locked ?? (await lockEntities(tx, tenant, ids)));
    let states = nextStates(writes, rows);
    const state = (id: string) => states.get(id) as NextEntityState;
    const created = new Set<string>();
    const fresh = ids.filter((id) => !rows.has(id));
    const update = (known: readonly string[]) =>
      run(
        tx,
        UPDATE_ENTITIES,
        updatedEntityColumns(known, (id) => (rows.get(id) as EntityRow).pk, state),
      );
    // The insert of the new rows and the update of the locked ones go out together.
    const known = ids.filter((id) => rows.has(id));
    const updated = known.length > 0 ? update(known) : undefined;
    updated?.catch(() => undefined); // awaited below; must not be unhandled if the insert fails
    if (fresh.length > 0) {
      // DO NOTHING: a row another transaction inserted meanwhile (this insert waited for it
      // to commit) is not ours to create; it is locked and updated below instead.
      const inserted = await run<EntityRow[]>(
        tx,
        `INSERT INTO history_entities (tenant, id, types, scope, created_at, modified_at)
         SELECT $1::text, u.id, u.types, u.scope, u.created_at, u.modified_at
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, types, scope, created_at, modified_at)
         ON CONFLICT (tenant, id) DO NOTHING
         RETURNING ${ENTITY_COLUMNS}`,
        [tenant, ...insertedEntityColumns(fresh, state)],
      );
      for (const row of inserted) {
        rows.set(row.id, row);
        created.add(row.id);
      }
      const raced = fresh.filter((id) => !created.has(id));
      if (raced.length > 0) {
        for (const [id, row] of await lockEntities(tx, tenant, raced)) rows.set(id, row);
        states = nextStates(writes, rows, created);
        await update(raced);
      }
    }
    await updated;
    const pending: Array<Promise<unknown>> = [];
    const retyped = ids.filter((id) => state(id).typesChanged);
    if (retyped.length > 0) {
      const pks = retyped.map((id) => Number((rows.get(id) as EntityRow).pk));
      const pairs = retyped.flatMap((id, i) => state(id).types.map((type) => [type, pks[i]]));
      pending.push(
        run(tx, 'DELETE FROM history_types WHERE entity_pk = ANY($1::bigint[])', [pks]),
        run(
          tx,
          `INSERT INTO history_types (type, entity_pk) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT DO NOTHING`,
          [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        ),
      );
    }
    const result = new Map<string, SavedEntityRow>();
    for (const id of ids) {
      const row = rows.get(id) as EntityRow;
      const next = state(id);
      result.set(id, {
        pk: Number(row.pk),
        id,
        types: JSON.stringify(next.types),
        scope: next.scope,
        created_at: row.created_at,
        modified_at: next.modifiedAt,
        created: created.has(id),
      });
    }
    const settled = Promise.all(pending);
    settled.catch(() => undefined); // the caller awaits it
    return { rows: result, pending: settled };
  }

  async function saveEntities(
    tx: Tx,
    tenant: string,
    writes: ReadonlyArray<{ id: string; write: EntityStateWrite }>,
  ): Promise<Map<string, SavedEntityRow>> {
    const { rows, pending } = await saveEntitiesPipelined(tx, tenant, writes);
    await pending;
    return rows;
  }

  async function record(tx: Tx, batches: readonly EntityInstances[]): Promise<void> {
    // pk 0 stands for "a new number from the sequence".
    const rows = batches.flatMap((batch) =>
      batch.instances.map((instance) => historyRow(batch.entityPk, batch.pk ?? 0, instance)),
    );
    if (rows.length === 0) return;
    await partitions.ensure(
      tx,
      rows.map((row) => row[2]),
    );
    if (rows.every((row) => row[PK_INDEX] === 0)) await runCopies(tx, [historyCopy(() => rows)]);
    else
      await run(
        tx,
        `INSERT INTO attr_history (entity_pk, attr, ts, pk, dataset, observed_at, created_at, modified_at, deleted_at, vclass, num, txt, vkey, doc)
         SELECT u.entity_pk, u.attr, u.ts, CASE WHEN u.pk = 0 THEN nextval('attr_history_pk') ELSE u.pk END,
           u.dataset, u.observed_at, u.created_at, u.modified_at, u.deleted_at, u.vclass, u.num, u.txt, u.vkey, u.doc
         FROM json_to_recordset($1::text::json) AS u(entity_pk bigint, attr text, ts bigint, pk bigint, dataset text,
           observed_at bigint, created_at bigint, modified_at bigint, deleted_at bigint, vclass smallint,
           num float8, txt text, vkey text, doc text, ord integer)
         ORDER BY u.ord`,
        [
          jsonRows(
            HISTORY_ROW_COLUMNS,
            rows.map((row, i) => [...row, i]),
          ),
        ],
      );
    // Counted before the commit: a check that comes too early only runs again later.
    statistics?.noteWrites(rows.length);
  }

  /**
   * saveEntitiesPipelined in one go, for `HistoryBatch.send`: `pks` (by id) settles as soon
   * as they are known, which for locked rows is at once, so the history rows are built and
   * sent behind the entity statements without waiting for them; `done` once all are stored.
   */
  function sendEntities(
    tx: Tx,
    tenant: string,
    writes: ReadonlyArray<{ id: string; write: EntityStateWrite }>,
    locked: ReadonlyMap<string, EntityRow>,
  ): { pks: Promise<Map<string, number>>; done: Promise<unknown> } {
    const ids = [...new Set(writes.map((w) => w.id))].sort();
    const states = nextStates(writes, locked);
    const state = (id: string) => states.get(id) as NextEntityState;
    const known = ids.filter((id) => locked.has(id));
    const fresh = ids.filter((id) => !locked.has(id));
    const pkOf = (id: string) => Number((locked.get(id) as EntityRow).pk);
    const statements: Array<Promise<unknown>> = [];
    if (known.length > 0) {
      statements.push(run(tx, UPDATE_ENTITIES, updatedEntityColumns(known, pkOf, state)));
      const retyped = known.filter((id) => state(id).typesChanged);
      if (retyped.length > 0) {
        const pairs = retyped.flatMap((id) => state(id).types.map((type) => [type, pkOf(id)]));
        statements.push(
          run(tx, 'DELETE FROM history_types WHERE entity_pk = ANY($1::bigint[])', [
            retyped.map(pkOf),
          ]),
          run(
            tx,
            `INSERT INTO history_types (type, entity_pk) SELECT * FROM unnest($1::text[], $2::bigint[])
             ON CONFLICT DO NOTHING`,
            [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
          ),
        );
      }
    }
    const saved = new Map<string, number>(known.map((id) => [id, pkOf(id)]));
    let inserted: Promise<void> | undefined;
    if (fresh.length > 0) {
      // The type rows of the rows it creates go with the insert: their keys stay on the server.
      const pairs = fresh.flatMap((id) => state(id).types.map((type) => [id, type]));
      inserted = run<Array<{ pk: number; id: string }>>(
        tx,
        `WITH inserted AS (
           INSERT INTO history_entities (tenant, id, types, scope, created_at, modified_at)
           SELECT $1::text, u.id, u.types, u.scope, u.created_at, u.modified_at
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, types, scope, created_at, modified_at)
           ON CONFLICT (tenant, id) DO NOTHING
           RETURNING pk, id
         ), typed AS (
           INSERT INTO history_types (type, entity_pk)
           SELECT t.type, i.pk FROM inserted i JOIN unnest($7::text[], $8::text[]) AS t(id, type) ON t.id = i.id
           ON CONFLICT DO NOTHING
         )
         SELECT pk, id FROM inserted`,
        [
          tenant,
          ...insertedEntityColumns(fresh, state),
          pairs.map((p) => p[0]),
          pairs.map((p) => p[1]),
        ],
      ).then((rows) => {
        // DO NOTHING: a row another transaction inserted meanwhile (this insert waited for
        // it to commit) is not ours to create.
        if (rows.length !== fresh.length) throw concurrentCreation();
        for (const row of rows) saved.set(row.id, Number(row.pk));
      });
      statements.push(inserted);
    }
    const done = Promise.all(statements);
    done.catch(() => undefined); // the caller awaits it
    return { pks: (inserted ?? Promise.resolve()).then(() => saved), done };
  }

  function batch(changes: readonly UnsequencedChange[]): HistoryBatch | undefined {
    // A change of the current state is recorded whatever its instances (the entity row
    // follows it); only a deletion's instances decide. The others' instances are worked out
    // when their rows are built, after the statements are on their way.
    const recorded = changes
      .map((change) => ({
        change,
        instances: change.current === null ? changeInstances(change) : undefined,
      }))
      .filter(({ change, instances }) => change.current !== null || (instances?.length ?? 0) > 0);
    if (recorded.length === 0) return undefined;
    return {
      send(tx, tenant, locked) {
        const saved = sendEntities(
          tx,
          tenant,
          recorded.map(({ change }) => ({ id: change.entityId, write: feedStateWrite(change) })),
          locked,
        );
        let pks = new Map<string, number>();
        const known = saved.pks.then((found) => {
          pks = found;
        });
        const written = Promise.all([known, saved.done]);
        // Built while the server stores the rows copied before these.
        let rows: HistoryRow[] = [];
        const copy: CopyJob = {
          ...historyCopy(() => {
            rows = recorded.flatMap(({ change, instances }) => {
              const entityPk = pks.get(change.entityId) as number;
              return (instances ?? changeInstances(change)).map((instance) =>
                historyRow(entityPk, 0, instance),
              );
            });
            // Counted before the commit: a check that comes too early only runs again later.
            statistics?.noteWrites(rows.length);
            return rows;
          }),
          ready: known,
          before: () =>
            partitions.ensure(
              tx,
              rows.map((row) => row[2]),
            ),
        };
        return { written, copy };
      },
    };
  }

  return {
    lockEntities,
    batch,
    async append(tx, changes) {
      const byTenant = new Map<string, UnsequencedChange[]>();
      for (const change of changes)
        byTenant.set(change.tenant, [...(byTenant.get(change.tenant) ?? []), change]);
      for (const [tenant, list] of byTenant) {
        const written = batch(list);
        if (written === undefined) continue;
        const locked = await lockEntities(
          tx,
          tenant,
          list.map((change) => change.entityId),
        );
        const sent = written.send(tx, tenant, locked);
        await sent.written;
        await runCopies(tx, [sent.copy]);
      }
    },
    saveEntities,
    record,
    async registerTenant(tx, tenant) {
      if (tenant !== DEFAULT_TENANT)
        await run(tx, 'INSERT INTO tenants (name) VALUES ($1) ON CONFLICT DO NOTHING', [tenant]);
    },
  };
}
