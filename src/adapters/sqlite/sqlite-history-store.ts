/**
 * HistoryStore on SQLite (better-sqlite3). Reads share their SQL with PostgreSQL
 * (sql/history-reader.ts, sql/history-query-runner.ts); every write of the temporal API is
 * one `BEGIN IMMEDIATE` transaction.
 *
 * `db` holds the history tables: the main database in memory, else the history file, where
 * a worker projects the entity changes (sqlite-history-projection.ts). Every call then
 * first waits until the changes committed before it are in the history (`caughtUp`), so a
 * client reads its own writes and the temporal API's writes keep their order with them.
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { HistoryStore } from '../../context/ports/history-store.port.js';
import { pkOfInstanceId, type EntityRow } from '../sql/history-rows.js';
import { readEntityHistory, type HistorySql } from '../sql/history-reader.js';
import { runHistoryQuery } from '../sql/history-query-runner.js';
import { applyHistoryRetention } from '../sql/history-retention.js';
import { DELETED_CLASS, type HistoryDialect } from '../sql/history-sql.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { registerHistoryFunctions } from './sqlite-history-functions.js';
import { createSqliteHistoryWriter, type SqliteHistoryWriter } from './sqlite-history-writer.js';
import { sqliteTenantRegistration } from './sqlite-tenants.js';

export const sqliteHistoryDialect: HistoryDialect = {
  newParams: sqliteDialect.newParams,
  int: (params, value) => `CAST(${params.add(value)} AS INTEGER)`,
  inText: (params, column, values) => sqliteDialect.inList(params, column, [...values], 'text'),
};

export interface SqliteHistoryStoreOptions {
  writer?: SqliteHistoryWriter;
  /** Resolves once the history holds every entity change committed before the call. */
  caughtUp?: () => Promise<void>;
  /** Creates the tenant as Create Entity does (the `tenants` table of the main database). */
  registerTenant?: (tenant: string) => void;
}

export function createSqliteHistoryStore(
  db: SqliteDatabase,
  options: SqliteHistoryStoreOptions = {},
): HistoryStore {
  const writer = options.writer ?? createSqliteHistoryWriter(db);
  const caughtUp = options.caughtUp ?? (() => Promise.resolve());
  const registerTenant = options.registerTenant ?? sqliteTenantRegistration(db);
  registerHistoryFunctions(db);
  const prepared = new LRUCache<string, Statement>({ max: 256 });
  function statement(sql: RenderedSql): Statement {
    let found = prepared.get(sql.text);
    if (found === undefined) {
      found = db.prepare(sql.text);
      prepared.set(sql.text, found);
    }
    return found;
  }
  const reads: HistorySql = {
    dialect: sqliteHistoryDialect,
    perPeriodReads: true,
    all: async <T>(sql: RenderedSql) => statement(sql).all(...sql.params) as T[],
  };
  const selectInstance = db.prepare<
    [number],
    { entity_pk: number; attr: string; created_at: number; deleted_at: number | null }
  >('SELECT entity_pk, attr, created_at, deleted_at FROM attr_history WHERE pk = ?');
  const deleteInstanceRow = db.prepare<[number]>('DELETE FROM attr_history WHERE pk = ?');
  const deleteSeries = db.prepare<[number, string]>(
    'DELETE FROM attr_history WHERE entity_pk = ? AND attr = ?',
  );
  const deleteDataset = db.prepare<[number, string, string]>(
    'DELETE FROM attr_history WHERE entity_pk = ? AND attr = ? AND dataset = ?',
  );
  const deleteBucket = db.prepare<[number, string, string, number, number, number]>(
    `DELETE FROM attr_history WHERE entity_pk = ? AND attr = ? AND dataset = ?
       AND ts >= ? AND ts < ? AND vclass < ${DELETED_CLASS} AND pk <> ?`,
  );
  const deleteEntityRows = [
    db.prepare<[number]>('DELETE FROM attr_history WHERE entity_pk = ?'),
    db.prepare<[number]>('DELETE FROM history_types WHERE entity_pk = ?'),
    db.prepare<[number]>('DELETE FROM history_entities WHERE pk = ?'),
  ];

  /** The instance `instanceId` of attribute `attr` of entity `entity`, if it is one. */
  function findInstance(entity: EntityRow | undefined, attr: string, instanceId: string) {
    const pk = pkOfInstanceId(instanceId);
    if (entity === undefined || pk === undefined) return undefined;
    const row = selectInstance.get(pk);
    return row !== undefined && row.entity_pk === entity.pk && row.attr === attr
      ? { pk, ...row }
      : undefined;
  }

  const appendTx = db.transaction(
    (
      tenant: string,
      write: Parameters<HistoryStore['appendInstances']>[1],
      options: Parameters<HistoryStore['appendInstances']>[2],
    ) => {
      const existing = writer.findEntity(tenant, write.id);
      if (existing === undefined && !options.create) return 'notFound' as const;
      const entity = writer.saveEntity(tenant, write.id, {
        at: options.at,
        ...(write.type === undefined ? {} : { types: { add: write.type } }),
        ...(write.scope === undefined ? {} : { scope: write.scope }),
      });
      const at = Date.parse(options.at);
      for (const [attr, instances] of Object.entries(write.attrs))
        writer.record(
          entity.pk,
          instances.map((instance) => ({ attr, instance, at })),
        );
      if (options.createTenant) registerTenant(tenant);
      return existing === undefined ? ('created' as const) : ('appended' as const);
    },
  );

  const modifyTx = db.transaction(
    (
      tenant: string,
      id: string,
      attr: string,
      instanceId: string,
      instance: Parameters<HistoryStore['modifyInstance']>[4],
      at: string,
    ) => {
      const entity = writer.findEntity(tenant, id);
      const found = findInstance(entity, attr, instanceId);
      if (entity === undefined || found === undefined) return false;
      deleteInstanceRow.run(found.pk);
      const now = Date.parse(at);
      // The record keeps its number and its createdAt (temporal.md §4).
      writer.record(
        entity.pk,
        [{ attr, instance, at: now, createdAt: found.created_at }],
        found.pk,
      );
      writer.saveEntity(tenant, id, { at });
      return true;
    },
  );

  return {
    async hasEntity(tenant, id) {
      await caughtUp();
      return writer.findEntity(tenant, id) !== undefined;
    },
    async appendInstances(tenant, write, options) {
      await caughtUp();
      return appendTx.immediate(tenant, write, options);
    },
    async modifyInstance(tenant, id, attr, instanceId, instance, at) {
      await caughtUp();
      return modifyTx.immediate(tenant, id, attr, instanceId, instance, at);
    },
    async deleteInstance(tenant, id, attr, instanceId) {
      await caughtUp();
      const found = findInstance(writer.findEntity(tenant, id), attr, instanceId);
      if (found === undefined) return false;
      deleteInstanceRow.run(found.pk);
      return true;
    },
    async deleteAttribute(tenant, id, attr, which) {
      await caughtUp();
      const entity = writer.findEntity(tenant, id);
      if (entity === undefined) return 'noEntity';
      const result = which.deleteAll
        ? deleteSeries.run(entity.pk, attr)
        : deleteDataset.run(entity.pk, attr, which.datasetId ?? '');
      return result.changes > 0 ? 'deleted' : 'noAttribute';
    },
    async deleteEntity(tenant, id) {
      await caughtUp();
      const entity = writer.findEntity(tenant, id);
      if (entity === undefined) return false;
      db.transaction(() => deleteEntityRows.forEach((s) => s.run(entity.pk))).immediate();
      return true;
    },
    async retrieveHistory(tenant, id, options) {
      await caughtUp();
      const entity = writer.findEntity(tenant, id);
      return entity === undefined ? undefined : readEntityHistory(reads, entity, options);
    },
    async queryHistory(tenant, query) {
      await caughtUp();
      return runHistoryQuery(reads, tenant, query);
    },
    async applyRetention(rules, now) {
      await caughtUp();
      return applyHistoryRetention(
        {
          ...reads,
          run: async (sql) => Number(statement(sql).run(...sql.params).changes),
          replaceBucket: async (bucket) =>
            db
              .transaction(() => {
                const deleted = deleteBucket.run(
                  bucket.entityPk,
                  bucket.attr,
                  bucket.dataset,
                  bucket.start,
                  bucket.end,
                  bucket.keepPk ?? 0,
                ).changes;
                if (bucket.replacement) writer.record(bucket.entityPk, [bucket.replacement]);
                return deleted;
              })
              .immediate(),
        },
        rules,
        now,
      );
    },
  };
}
