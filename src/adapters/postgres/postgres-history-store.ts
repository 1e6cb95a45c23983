/**
 * HistoryStore on PostgreSQL. Reads share their SQL with SQLite (sql/history-reader.ts,
 * sql/history-query-runner.ts) and run as prepared statements; every write of the temporal
 * API is one transaction.
 */
import type postgres from 'postgres';
import type { HistoryStore } from '../../context/ports/history-store.port.js';
import { pkOfInstanceId, type EntityRow } from '../sql/history-rows.js';
import { readEntityHistory, type HistorySql } from '../sql/history-reader.js';
import { runHistoryQuery } from '../sql/history-query-runner.js';
import { applyHistoryRetention } from '../sql/history-retention.js';
import { DELETED_CLASS, type HistoryDialect } from '../sql/history-sql.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import type { PostgresParameter, PostgresSql } from './postgres-database.js';
import { postgresDialect } from './postgres-dialect.js';
import type { HistoryPartitions } from './postgres-history-partitions.js';
import type { PostgresHistoryWriter, SavedEntityRow } from './postgres-history-writer.js';

export const postgresHistoryDialect: HistoryDialect = {
  newParams: postgresDialect.newParams,
  int: (params, value) => `${params.add(value)}::int8`,
  inText: (params, column, values) => postgresDialect.inList(params, column, [...values], 'text'),
};

/** Statement texts prepared at most (as the entity store: shapes are few, but not bounded). */
const MAX_PREPARED_TEXTS = 200;
const ENTITY_SELECT =
  'SELECT pk, id, types, scope, created_at, modified_at FROM history_entities WHERE tenant = $1 AND id = $2';

export function createPostgresHistoryStore(
  sql: PostgresSql,
  writer: PostgresHistoryWriter,
  partitions: HistoryPartitions,
): HistoryStore {
  const prepared = new Set<string>();
  async function all<T>(rendered: RenderedSql): Promise<T[]> {
    if (!prepared.has(rendered.text) && prepared.size < MAX_PREPARED_TEXTS)
      prepared.add(rendered.text);
    return (await sql.unsafe(rendered.text, rendered.params as PostgresParameter[], {
      prepare: prepared.has(rendered.text),
    })) as unknown as T[];
  }
  const reads: HistorySql = { dialect: postgresHistoryDialect, all };

  async function findEntity(tenant: string, id: string): Promise<EntityRow | undefined> {
    const [row] = await all<EntityRow>({ text: ENTITY_SELECT, params: [tenant, id] });
    return row === undefined ? undefined : { ...row, pk: Number(row.pk) };
  }

  /**
   * The row of instance `instanceId` of `attr` of the entity, if it is one. Read in the
   * caller's transaction: a second connection from the pool, while the transaction holds
   * one, deadlocks the pool once every connection is in such a transaction.
   */
  async function findInstance(
    tx: postgres.TransactionSql,
    entityPk: number,
    attr: string,
    instanceId: string,
  ) {
    const pk = pkOfInstanceId(instanceId);
    if (pk === undefined) return undefined;
    const [row] = await tx.unsafe<Array<{ pk: number; created_at: number }>>(
      'SELECT pk, created_at FROM attr_history WHERE pk = $1 AND entity_pk = $2 AND attr = $3',
      [pk, entityPk, attr],
    );
    return row;
  }

  return {
    async hasEntity(tenant, id) {
      return (await findEntity(tenant, id)) !== undefined;
    },
    async appendInstances(tenant, write, options) {
      return sql.begin(async (tx) => {
        const [existing] = await tx.unsafe<EntityRow[]>(`${ENTITY_SELECT} FOR UPDATE`, [
          tenant,
          write.id,
        ]);
        if (existing === undefined && !options.create) return 'notFound' as const;
        const rows = await writer.saveEntities(tx, tenant, [
          {
            id: write.id,
            write: {
              at: options.at,
              ...(write.type === undefined ? {} : { types: { add: write.type } }),
              ...(write.scope === undefined ? {} : { scope: write.scope }),
            },
          },
        ]);
        const saved = rows.get(write.id) as SavedEntityRow;
        const entityPk = saved.pk;
        const at = Date.parse(options.at);
        await writer.record(tx, [
          {
            entityPk,
            instances: Object.entries(write.attrs).flatMap(([attr, instances]) =>
              instances.map((instance) => ({ attr, instance, at })),
            ),
          },
        ]);
        if (options.createTenant) await writer.registerTenant(tx, tenant);
        // Decided by the insert itself: two writes creating one entity at once see no row
        // beforehand, and only one of them inserts it.
        return saved.created ? ('created' as const) : ('appended' as const);
      }) as Promise<'created' | 'appended' | 'notFound'>;
    },
    async modifyInstance(tenant, id, attr, instanceId, instance, at) {
      return sql.begin(async (tx) => {
        const [entity] = await tx.unsafe<EntityRow[]>(`${ENTITY_SELECT} FOR UPDATE`, [tenant, id]);
        if (entity === undefined) return false;
        const entityPk = Number(entity.pk);
        const found = await findInstance(tx, entityPk, attr, instanceId);
        if (found === undefined) return false;
        await tx.unsafe('DELETE FROM attr_history WHERE pk = $1 AND entity_pk = $2', [
          found.pk,
          entityPk,
        ]);
        // The record keeps its number and its createdAt (temporal.md §4).
        await writer.record(tx, [
          {
            entityPk,
            pk: Number(found.pk),
            instances: [
              { attr, instance, at: Date.parse(at), createdAt: Number(found.created_at) },
            ],
          },
        ]);
        await writer.saveEntities(tx, tenant, [{ id, write: { at } }]);
        return true;
      }) as Promise<boolean>;
    },
    async deleteInstance(tenant, id, attr, instanceId) {
      const entity = await findEntity(tenant, id);
      const pk = pkOfInstanceId(instanceId);
      if (entity === undefined || pk === undefined) return false;
      const rows = await sql.unsafe(
        'DELETE FROM attr_history WHERE pk = $1 AND entity_pk = $2 AND attr = $3',
        [pk, entity.pk, attr],
      );
      return rows.count > 0;
    },
    async deleteAttribute(tenant, id, attr, which) {
      const entity = await findEntity(tenant, id);
      if (entity === undefined) return 'noEntity';
      const rows = which.deleteAll
        ? await sql.unsafe('DELETE FROM attr_history WHERE entity_pk = $1 AND attr = $2', [
            entity.pk,
            attr,
          ])
        : await sql.unsafe(
            'DELETE FROM attr_history WHERE entity_pk = $1 AND attr = $2 AND dataset = $3',
            [entity.pk, attr, which.datasetId ?? ''],
          );
      return rows.count > 0 ? 'deleted' : 'noAttribute';
    },
    async deleteEntity(tenant, id) {
      return sql.begin(async (tx) => {
        const [entity] = await tx.unsafe<EntityRow[]>(`${ENTITY_SELECT} FOR UPDATE`, [tenant, id]);
        if (entity === undefined) return false;
        await tx.unsafe('DELETE FROM attr_history WHERE entity_pk = $1', [entity.pk]);
        await tx.unsafe('DELETE FROM history_types WHERE entity_pk = $1', [entity.pk]);
        await tx.unsafe('DELETE FROM history_entities WHERE pk = $1', [entity.pk]);
        return true;
      }) as Promise<boolean>;
    },
    async retrieveHistory(tenant, id, options) {
      const entity = await findEntity(tenant, id);
      return entity === undefined ? undefined : readEntityHistory(reads, entity, options);
    },
    async queryHistory(tenant, query) {
      return runHistoryQuery(reads, tenant, query);
    },
    async applyRetention(rules, now) {
      await partitions.prepare(now.getTime());
      return applyHistoryRetention(
        {
          ...reads,
          run: async (rendered) =>
            (await sql.unsafe(rendered.text, rendered.params as PostgresParameter[])).count,
          replaceBucket: (bucket) =>
            sql.begin(async (tx) => {
              const deleted = await tx.unsafe(
                `DELETE FROM attr_history WHERE entity_pk = $1 AND attr = $2 AND dataset = $3
                   AND ts >= $4 AND ts < $5 AND vclass < ${DELETED_CLASS} AND pk <> $6`,
                [
                  bucket.entityPk,
                  bucket.attr,
                  bucket.dataset,
                  bucket.start,
                  bucket.end,
                  bucket.keepPk ?? 0,
                ],
              );
              if (bucket.replacement)
                await writer.record(tx, [
                  { entityPk: bucket.entityPk, instances: [bucket.replacement] },
                ]);
              return deleted.count;
            }) as Promise<number>,
          dropPartitionsBefore: (cutoff) => partitions.dropBefore(cutoff),
        },
        rules,
        now,
      );
    },
  };
}
