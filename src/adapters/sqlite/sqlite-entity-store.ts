/**
 * EntityStore on SQLite (better-sqlite3). Every call runs synchronously on one connection,
 * so a mutation batch is one transaction that no other call can interleave with: the
 * entities are held exclusively while `apply` runs, as the port requires.
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type {
  EntityMutation,
  EntityStore,
  MutationResult,
} from '../../context/ports/entity-store.port.js';
import { DEFAULT_TENANT, type Entity } from '../../ngsi-ld/model.js';
import {
  parseJoinedKeys,
  renderCandidateCount,
  renderCandidateSelect,
  renderLeafKeys,
} from '../sql/condition-sql.js';
import { runEntityQuery, type CandidateReader } from '../sql/entity-query-runner.js';
import { rememberLargeLeaves } from '../sql/large-leaves.js';
import { parseEntityDoc } from '../sql/entity-doc.js';
import { planMutations, type StoredEntity } from '../sql/mutation-plan.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import {
  buildAttributeSummaries,
  buildTypeSummaries,
  renderSummaryStatements,
} from '../sql/store-summaries.js';
import type { SqliteChangeLog } from './sqlite-change-log.js';
import { sqliteDialect } from './sqlite-dialect.js';
import type { SqliteHistoryWriter } from './sqlite-history-writer.js';
import { createSqliteEntityWriter } from './sqlite-entity-writer.js';
import { createSqliteAttributeNames } from './sqlite-attribute-names.js';
import { sqliteTenantRegistration } from './sqlite-tenants.js';

/**
 * `closeDatabase` runs on close(): the database is shared with the other stores. Every
 * committed batch is logged in `changeLog` within its transaction, and its attribute
 * instances recorded in the `history` (temporal API) in that transaction too.
 */
export function createSqliteEntityStore(
  db: SqliteDatabase,
  changeLog: SqliteChangeLog,
  closeDatabase: () => Promise<void>,
  history?: SqliteHistoryWriter,
): EntityStore {
  const names = createSqliteAttributeNames(db);
  const writer = createSqliteEntityWriter(db, names);
  const selectEntity = db.prepare<[string, string], { pk: number; doc: string }>(
    'SELECT pk, doc FROM entities WHERE tenant = ? AND id = ?',
  );
  const selectTenant = db.prepare('SELECT 1 FROM tenants WHERE name = ?');
  const registerTenant = sqliteTenantRegistration(db);
  // Query statements depend on the shape of the query only, never on its values.
  const prepared = new LRUCache<string, Statement>({ max: 256 });

  function all<T>(sql: RenderedSql): T[] {
    let statement = prepared.get(sql.text);
    if (statement === undefined) {
      statement = db.prepare(sql.text);
      prepared.set(sql.text, statement);
    }
    return statement.all(...sql.params) as T[];
  }

  function load(tenant: string, ids: Iterable<string>): Map<string, StoredEntity> {
    const loaded = new Map<string, StoredEntity>();
    for (const id of new Set(ids)) {
      const row = selectEntity.get(tenant, id);
      if (row !== undefined) loaded.set(id, { pk: row.pk, entity: parseEntityDoc(row.doc) });
    }
    return loaded;
  }

  const mutateBatch = db.transaction(
    (tenant: string, mutations: EntityMutation<unknown>[], createTenant: boolean) => {
      const plan = planMutations(
        load(
          tenant,
          mutations.map((m) => m.id),
        ),
        mutations,
      );
      writer.write(tenant, plan.writes);
      const changes = changeLog.record(tenant, plan.writes);
      history?.append(changes);
      if (createTenant && plan.writes.length > 0) registerTenant(tenant);
      return { results: plan.results, changes };
    },
  );

  const keys = rememberLargeLeaves(async (tenant, leaves, cap) => {
    const row = all<Record<string, string | null>>(
      renderLeafKeys(sqliteDialect, tenant, leaves, cap),
    )[0];
    return leaves.map((_, i) => parseJoinedKeys(row?.[`k${i}`]));
  });

  function reader(tenant: string): CandidateReader {
    return {
      select: async (plan, page) =>
        all<{ pk: number; doc: string }>(
          renderCandidateSelect(sqliteDialect, tenant, plan, page),
        ).map((row) => ({
          pk: row.pk,
          entity: JSON.parse(row.doc) as Entity,
        })),
      count: async (plan) =>
        all<{ n: number }>(renderCandidateCount(sqliteDialect, tenant, plan))[0]?.n ?? 0,
      keys: (leaves, cap) => keys(tenant, leaves, cap),
      // WITHOUT ROWID index keys end with entity_pk (sql/condition-walk.ts).
      walks: true,
    };
  }

  return {
    async hasTenant(tenant) {
      return tenant === DEFAULT_TENANT || selectTenant.get(tenant) !== undefined;
    },
    async getEntity(tenant, id) {
      const row = selectEntity.get(tenant, id);
      return row === undefined ? undefined : (JSON.parse(row.doc) as Entity);
    },
    async mutate<R>(
      tenant: string,
      mutations: EntityMutation<R>[],
      options: { createTenant: boolean },
    ) {
      // Write lock taken up front (BEGIN IMMEDIATE): another process cannot slip in between read and write.
      let outcome: ReturnType<typeof mutateBatch.immediate>;
      try {
        outcome = mutateBatch.immediate(tenant, mutations, options.createTenant);
      } catch (error) {
        names.rolledBack();
        throw error;
      }
      names.committed();
      const { results, changes } = outcome;
      changeLog.committed(changes);
      return results as MutationResult<R>[];
    },
    async queryEntities(tenant, query) {
      return runEntityQuery(query, reader(tenant));
    },
    async describeTypes(tenant) {
      const statements = renderSummaryStatements(sqliteDialect, tenant);
      return buildTypeSummaries({
        typeCounts: all(statements.typeCounts),
        typeAttributes: all(statements.typeAttributes),
      });
    },
    async describeAttributes(tenant) {
      const statements = renderSummaryStatements(sqliteDialect, tenant);
      return buildAttributeSummaries({
        attributeCounts: all(statements.attributeCounts),
        attributeTypes: all(statements.attributeTypes),
      });
    },
    close() {
      return closeDatabase();
    },
  };
}
