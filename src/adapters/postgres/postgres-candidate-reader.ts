/**
 * How the PostgreSQL store reads query candidates (sql/entity-query-runner.ts): pages and
 * counts as rendered by sql/condition-sql.ts, and the keys of the leaves that may drive a
 * query, all leaves in one statement (large leaves not again for a while:
 * sql/large-leaves.ts).
 */
import type { Entity } from '../../ngsi-ld/model.js';
import {
  parseJoinedKeys,
  renderCandidateSelect,
  renderCandidateSetCount,
  renderLeafKeys,
} from '../sql/condition-sql.js';
import type { CandidateReader } from '../sql/entity-query-runner.js';
import { rememberLargeLeaves } from '../sql/large-leaves.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import { postgresDialect } from './postgres-dialect.js';

export type RunSql = <T>(rendered: RenderedSql) => Promise<T[]>;

export function createPostgresCandidateReaders(run: RunSql): (tenant: string) => CandidateReader {
  const keys = rememberLargeLeaves(async (tenant, leaves, cap) => {
    const rendered = renderLeafKeys(postgresDialect, tenant, leaves, cap);
    const row = (await run<Record<string, string | null>>(rendered))[0];
    return leaves.map((_, i) => parseJoinedKeys(row?.[`k${i}`]));
  });

  return (tenant) => ({
    select: async (plan, page) =>
      (
        await run<{ pk: number; doc: string }>(
          renderCandidateSelect(postgresDialect, tenant, plan, page),
        )
      ).map((row) => ({ pk: row.pk, entity: JSON.parse(row.doc) as Entity })),
    count: async (plan) =>
      Number(
        (
          await run<{ n: number | string }>(renderCandidateSetCount(postgresDialect, tenant, plan))
        )[0]?.n ?? 0,
      ),
    keys: (leaves, cap) => keys(tenant, leaves, cap),
  });
}
