/**
 * EntityStore on PostgreSQL. A mutation batch is one transaction: the rows of its ids are
 * locked (`SELECT … FOR UPDATE`, in id order so that batches cannot deadlock each other),
 * the mutations run, and the outcome is written in bulk. Two batches creating the same new
 * id race on the unique key; the loser is run again from the start, when the row exists
 * and is locked, so `apply` sees it (the mutations are pure, re-running them is safe).
 */
import type postgres from 'postgres';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import type {
  EntityMutation,
  EntityStore,
  MutationResult,
} from '../../context/ports/entity-store.port.js';
import { DEFAULT_TENANT, type Entity } from '../../ngsi-ld/model.js';
import { runEntityQuery } from '../sql/entity-query-runner.js';
import { parseEntityDoc } from '../sql/entity-doc.js';
import { planMutations, type StoredEntity } from '../sql/mutation-plan.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import {
  buildAttributeSummaries,
  buildTypeSummaries,
  renderSummaryStatements,
  type SummaryRows,
} from '../sql/store-summaries.js';
import { CHANGE_SEQUENCE, type PostgresChangeLog } from './postgres-change-log.js';
import type { PostgresParameter, PostgresSql } from './postgres-database.js';
import { createPostgresCandidateReaders } from './postgres-candidate-reader.js';
import { postgresDialect } from './postgres-dialect.js';
import type { PostgresHistoryWriter } from './postgres-history-writer.js';
import { EntityWriteBatch } from './postgres-entity-writer.js';
import { sendCopies } from './postgres-copy.js';
import { createStatisticsKeeper } from './postgres-statistics.js';
import { createVacuumKeeper } from './postgres-vacuum.js';

/**
 * unique_violation (a concurrent create of the same id), deadlock_detected, and
 * serialization_failure (a history row created concurrently, postgres-history-writer.ts).
 */
const RETRYABLE = new Set(['23505', '40P01', '40001']);
const MAX_ATTEMPTS = 5;
/** Statement texts of queries prepared at most (see `all`). */
export const MAX_PREPARED_TEXTS = 200;

/**
 * Numbers for the rows a batch of `count` ids may create, in one statement: entity keys
 * and change-log sequence numbers, in order (keys follow creation order, seqs the order of
 * the changes). Those it does not use are skipped, as a rolled back insert skips its own.
 * The same statement reads the subscriptions' version the batch's changes are logged
 * against (EntityChange), after the batch's row locks: one statement fewer per write.
 */
async function reserveNumbers(
  tx: postgres.TransactionSql,
  count: number,
): Promise<{ entityPks: number[]; changeSeqs: number[]; subscriptionsVersion: number | null }> {
  const [row] = await tx.unsafe<
    Array<{ entity_pks: string[]; change_seqs: string[]; subscriptions_version: string | null }>
  >(
    `SELECT ARRAY(SELECT nextval('entities_pk_seq') FROM generate_series(1, $1::int) ORDER BY 1)::text[] AS entity_pks,
       ARRAY(SELECT nextval('${CHANGE_SEQUENCE}') FROM generate_series(1, $1::int) ORDER BY 1)::text[] AS change_seqs,
       (SELECT value::text FROM subscription_counter WHERE one = 1) AS subscriptions_version`,
    [count],
    { prepare: true },
  );
  const version = row?.subscriptions_version;
  return {
    entityPks: (row?.entity_pks ?? []).map(Number),
    changeSeqs: (row?.change_seqs ?? []).map(Number),
    subscriptionsVersion: version === null || version === undefined ? null : Number(version),
  };
}

function isRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    RETRYABLE.has(String((error as { code?: unknown }).code))
  );
}

/**
 * Every committed batch is logged in `changeLog` within its transaction, and its attribute
 * instances recorded in the `history` (temporal API) in that transaction too.
 */
export function createPostgresEntityStore(
  sql: PostgresSql,
  changeLog: PostgresChangeLog,
  closeConnections: () => Promise<void>,
  history?: PostgresHistoryWriter,
): EntityStore {
  const statistics = createStatisticsKeeper(sql);
  const vacuum = createVacuumKeeper(sql);

  const prepared = new Set<string>();
  /**
   * Reads run as named prepared statements, one round trip instead of two (the `postgres`
   * driver describes an unnamed statement before binding it): 1.0 instead of 1.5 ms for a
   * query page, measured. Plans are not reused (`plan_cache_mode`, postgres-database.ts).
   * Each connection keeps its statements until it is recycled, so only the first
   * MAX_PREPARED_TEXTS texts are prepared: query shapes are few in practice, and a client
   * sending endless new shapes must not fill the server's memory.
   */
  async function all<T>(rendered: RenderedSql): Promise<T[]> {
    if (!prepared.has(rendered.text) && prepared.size < MAX_PREPARED_TEXTS)
      prepared.add(rendered.text);
    return (await sql.unsafe(rendered.text, rendered.params as PostgresParameter[], {
      prepare: prepared.has(rendered.text),
    })) as unknown as T[];
  }

  type Outcome<R> = { results: MutationResult<R>[]; written: number; changes: EntityChange[] };

  async function mutateOnce<R>(
    tenant: string,
    mutations: EntityMutation<R>[],
    createTenant: boolean,
  ): Promise<Outcome<R>> {
    const { outcome, stored } = await sql.begin(async (tx) => {
      const ids = [...new Set(mutations.map((m) => m.id))].sort();
      // Both locks in one round trip: the entity rows first, as every writer takes them.
      const locking = tx
        .unsafe<Array<{ pk: number; id: string; doc: string }>>(
          'SELECT pk, id, doc::text AS doc FROM entities WHERE tenant = $1 AND id = ANY($2::text[]) ORDER BY id FOR UPDATE',
          [tenant, ids],
          { prepare: true },
        )
        .execute();
      // Numbers for the rows the batch may create, with the locks: its copies need them.
      const [rows, historyRows, numbers] = await Promise.all([
        locking,
        history?.lockEntities(tx, tenant, ids),
        reserveNumbers(tx, ids.length),
      ]);
      const loaded = new Map<string, StoredEntity>(
        rows.map((row) => [row.id, { pk: row.pk, entity: parseEntityDoc(row.doc) }]),
      );
      const plan = planMutations(loaded, mutations);
      const unsequenced = changeLog.changesOf(tenant, plan.writes);
      // Every statement is sent as soon as it is known (the driver pipelines them on the
      // connection), and the copies follow them without waiting: the server runs them in
      // order, while the rows of the next copy are being built.
      const entities = new EntityWriteBatch(plan.writes);
      const sent: Array<Promise<unknown>> = entities.statements(tx);
      const historySent = historyRows && history?.batch(unsequenced)?.send(tx, tenant, historyRows);
      entities.assignKeys(numbers.entityPks);
      const statements = Promise.all([
        ...sent,
        historySent?.written,
        ...entities.indexStatements(tx, tenant),
      ]);
      statements.catch(() => undefined); // read through `stored`
      const logged = changeLog.record(
        unsequenced,
        numbers.changeSeqs,
        numbers.subscriptionsVersion,
      );
      const copies = sendCopies(
        tx,
        [...entities.copies(tenant), historySent?.copy, logged.copy].filter(
          (copy) => copy !== undefined,
        ),
      );
      const tenantRow =
        createTenant && plan.writes.length > 0 && tenant !== DEFAULT_TENANT
          ? copies.sent.then(() =>
              tx.unsafe('INSERT INTO tenants (name) VALUES ($1) ON CONFLICT DO NOTHING', [tenant]),
            )
          : undefined;
      const stored = Promise.all([statements, copies.done, tenantRow]);
      stored.catch(() => undefined); // awaited once the transaction ends
      // The COMMIT goes right behind the last statement instead of after its answer: one
      // round trip less. A statement that fails after this leaves the transaction aborted,
      // and PostgreSQL ends an aborted transaction's COMMIT with a ROLLBACK: `stored`
      // rejects, and the write is reported failed (and retried when it may be).
      await copies.sent.catch(() => copies.done);
      await tenantRow;
      const outcome: Outcome<R> = {
        results: plan.results,
        written: plan.writes.length,
        changes: logged.changes(),
      };
      return { outcome, stored };
    });
    await stored;
    return outcome;
  }

  const reader = createPostgresCandidateReaders(all);

  return {
    async hasTenant(tenant) {
      if (tenant === DEFAULT_TENANT) return true;
      const rows = await sql.unsafe('SELECT 1 FROM tenants WHERE name = $1', [tenant], {
        prepare: true,
      });
      return rows.length > 0;
    },
    async getEntity(tenant, id) {
      const rows = await sql.unsafe<Array<{ doc: string }>>(
        'SELECT doc::text AS doc FROM entities WHERE tenant = $1 AND id = $2',
        [tenant, id],
        { prepare: true },
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
          const { results, written, changes } = await mutateOnce(
            tenant,
            mutations,
            options.createTenant,
          );
          changeLog.committed(changes);
          statistics.noteWrites(written);
          vacuum.noteWrites(written);
          return results;
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
    async close() {
      await Promise.all([statistics.idle(), vacuum.idle()]);
      await closeConnections();
    },
  };
}
