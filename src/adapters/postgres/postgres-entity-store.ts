/**
 * EntityStore on PostgreSQL. A mutation batch is one transaction: the rows of its ids are
 * locked (`SELECT … FOR UPDATE`, in id order so that batches cannot deadlock each other),
 * the mutations run, and the outcome is written in bulk. Two batches creating the same new
 * id race on the unique key; the loser is run again from the start, when the row exists
 * and is locked, so `apply` sees it (the mutations are pure, re-running them is safe).
 */
import type {
  EntityMutation,
  EntityStore,
  MutationResult,
} from '../../context/ports/entity-store.port.js';
import { DEFAULT_TENANT, type Entity } from '../../ngsi-ld/model.js';
import {
  renderCandidateCount,
  renderCandidateSelect,
  renderCappedCount,
} from '../sql/condition-sql.js';
import { runEntityQuery, type CandidateReader } from '../sql/entity-query-runner.js';
import { planMutations, type StoredEntity } from '../sql/mutation-plan.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import {
  buildAttributeSummaries,
  buildTypeSummaries,
  renderSummaryStatements,
  type SummaryRows,
} from '../sql/store-summaries.js';
import type { PostgresParameter, PostgresSql } from './postgres-database.js';
import { postgresDialect } from './postgres-dialect.js';
import { writeEntities } from './postgres-entity-writer.js';

/** unique_violation (a concurrent create of the same id) and deadlock_detected. */
const RETRYABLE = new Set(['23505', '40P01']);
const MAX_ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    RETRYABLE.has(String((error as { code?: unknown }).code))
  );
}

export function createPostgresEntityStore(
  sql: PostgresSql,
  closeConnections: () => Promise<void>,
): EntityStore {
  async function all<T>(rendered: RenderedSql): Promise<T[]> {
    return (await sql.unsafe(
      rendered.text,
      rendered.params as PostgresParameter[],
    )) as unknown as T[];
  }

  async function mutateOnce<R>(
    tenant: string,
    mutations: EntityMutation<R>[],
    createTenant: boolean,
  ): Promise<MutationResult<R>[]> {
    return sql.begin(async (tx) => {
      const ids = [...new Set(mutations.map((m) => m.id))].sort();
      const rows = await tx.unsafe<Array<{ pk: number; id: string; doc: string }>>(
        'SELECT pk, id, doc::text AS doc FROM entities WHERE tenant = $1 AND id = ANY($2::text[]) ORDER BY id FOR UPDATE',
        [tenant, ids],
      );
      const loaded = new Map<string, StoredEntity>(
        rows.map((row) => [row.id, { pk: row.pk, entity: JSON.parse(row.doc) as Entity }]),
      );
      const plan = planMutations(loaded, mutations);
      await writeEntities(tx, tenant, plan.writes);
      if (createTenant && plan.writes.length > 0 && tenant !== DEFAULT_TENANT) {
        await tx.unsafe('INSERT INTO tenants (name) VALUES ($1) ON CONFLICT DO NOTHING', [tenant]);
      }
      return plan.results;
    }) as Promise<MutationResult<R>[]>;
  }

  function reader(tenant: string): CandidateReader {
    return {
      select: async (plan, page) =>
        (
          await all<{ pk: number; doc: string }>(
            renderCandidateSelect(postgresDialect, tenant, plan, page),
          )
        ).map((row) => ({
          pk: row.pk,
          entity: JSON.parse(row.doc) as Entity,
        })),
      count: async (plan) =>
        (await all<{ n: number }>(renderCandidateCount(postgresDialect, tenant, plan)))[0]?.n ?? 0,
      estimate: async (leaf, cap) =>
        Number(
          (
            await all<{ n: number | string }>(renderCappedCount(postgresDialect, tenant, leaf, cap))
          )[0]?.n ?? 0,
        ),
    };
  }

  return {
    async hasTenant(tenant) {
      if (tenant === DEFAULT_TENANT) return true;
      return (await sql.unsafe('SELECT 1 FROM tenants WHERE name = $1', [tenant])).length > 0;
    },
    async getEntity(tenant, id) {
      const rows = await sql.unsafe<Array<{ doc: string }>>(
        'SELECT doc::text AS doc FROM entities WHERE tenant = $1 AND id = $2',
        [tenant, id],
      );
      const doc = rows[0]?.doc;
      return doc === undefined ? undefined : (JSON.parse(doc) as Entity);
    },
    async mutate<R>(
      tenant: string,
      mutations: EntityMutation<R>[],
      options: { createTenant: boolean },
    ) {
      if (mutations.length === 0) return [];
      for (let attempt = 1; ; attempt++) {
        try {
          return await mutateOnce(tenant, mutations, options.createTenant);
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        }
      }
    },
    async queryEntities(tenant, query) {
      return runEntityQuery(query, reader(tenant));
    },
    async describeTypes(tenant) {
      const statements = renderSummaryStatements(postgresDialect, tenant);
      const [typeCounts, typeAttributes] = await Promise.all([
        all<SummaryRows['typeCounts'][number]>(statements.typeCounts),
        all<SummaryRows['typeAttributes'][number]>(statements.typeAttributes),
      ]);
      return buildTypeSummaries({ typeCounts, typeAttributes });
    },
    async describeAttributes(tenant) {
      const statements = renderSummaryStatements(postgresDialect, tenant);
      const [attributeCounts, attributeTypes] = await Promise.all([
        all<SummaryRows['attributeCounts'][number]>(statements.attributeCounts),
        all<SummaryRows['attributeTypes'][number]>(statements.attributeTypes),
      ]);
      return buildAttributeSummaries({ attributeCounts, attributeTypes });
    },
    close: closeConnections,
  };
}
