/**
 * How the PostgreSQL store reads query candidates (sql/entity-query-runner.ts): pages and
 * counts as rendered by sql/condition-sql.ts, and the keys of the leaves that may drive a
 * query, all leaves in one statement.
 *
 * Leaves found to select more than the cap are remembered for a few seconds (per tenant and
 * leaf, in this process): such a leaf never drives, so reading its first 301 rows again
 * would only cost (about 1 ms for a q value held by 20 % of 100,000 entities, mostly heap
 * visits). Remembering only ever changes the plan, never the answer: a leaf that has become
 * small meanwhile is probed instead of driving until the entry expires.
 */
import { LRUCache } from 'lru-cache';
import type { Entity } from '../../ngsi-ld/model.js';
import {
  parseJoinedKeys,
  renderCandidateSelect,
  renderCandidateSetCount,
  renderLeafKeys,
} from '../sql/condition-sql.js';
import type { CandidateReader } from '../sql/entity-query-runner.js';
import type { Condition } from '../sql/query-condition.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import { postgresDialect } from './postgres-dialect.js';

/** How long a leaf is known to be large. */
export const LARGE_LEAF_TTL_MS = 10_000;

export type RunSql = <T>(rendered: RenderedSql) => Promise<T[]>;

export function createPostgresCandidateReaders(run: RunSql): (tenant: string) => CandidateReader {
  const largeLeaves = new LRUCache<string, true>({ max: 10_000, ttl: LARGE_LEAF_TTL_MS });

  async function keys(
    tenant: string,
    leaves: Condition[],
    cap: number,
  ): Promise<Array<number[] | undefined>> {
    const names = leaves.map((leaf) => `${tenant}\u0000${JSON.stringify(leaf)}`);
    const unknown = leaves.filter((_, i) => !largeLeaves.has(names[i] as string));
    const read = new Map<Condition, number[]>();
    if (unknown.length > 0) {
      const row = (
        await run<Record<string, string | null>>(
          renderLeafKeys(postgresDialect, tenant, unknown, cap),
        )
      )[0];
      unknown.forEach((leaf, i) => read.set(leaf, parseJoinedKeys(row?.[`k${i}`])));
    }
    return leaves.map((leaf, i) => {
      const rows = read.get(leaf);
      if (rows === undefined || rows.length < cap) return rows;
      largeLeaves.set(names[i] as string, true);
      return undefined;
    });
  }

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
