/**
 * RejectionStore on PostgreSQL (ingest/ports/rejection-store.port.ts): the `ingest_rejections`
 * table, trimmed to the newest `capacity` rows in the transaction that appends a batch.
 */
import type { RejectionStore } from '../../ingest/ports/rejection-store.port.js';
import {
  REJECTION_COLUMNS,
  rejectionFilterParams,
  rejectionFilterSql,
  rejectionOfRow,
  rejectionRow,
  type RejectionRow,
} from '../sql/rejection-rows.js';
import type { PostgresSql } from './postgres-database.js';

export function createPostgresRejectionStore(
  sql: PostgresSql,
  options: { capacity: number },
): RejectionStore {
  return {
    async add(rejections) {
      if (rejections.length === 0) return;
      const rows = rejections.map(rejectionRow);
      await sql.begin(async (tx) => {
        await tx`INSERT INTO ingest_rejections ${tx(rows, ...REJECTION_COLUMNS)}`;
        await tx.unsafe(
          'DELETE FROM ingest_rejections WHERE seq <= (SELECT seq FROM ingest_rejections ORDER BY seq DESC LIMIT 1 OFFSET $1)',
          [options.capacity],
        );
      });
    },
    async list(filter) {
      const where = numbered(rejectionFilterSql(filter));
      const params = rejectionFilterParams(filter);
      const next = params.length + 1;
      const [rows, counted] = await Promise.all([
        sql.unsafe<RejectionRow[]>(
          `SELECT ${REJECTION_COLUMNS.join(', ')} FROM ingest_rejections WHERE ${where} ORDER BY seq DESC LIMIT $${next} OFFSET $${next + 1}`,
          [...params, filter.limit, filter.offset],
        ),
        sql.unsafe<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM ingest_rejections WHERE ${where}`,
          params,
        ),
      ]);
      return { rejections: rows.map(rejectionOfRow), count: counted[0]?.n ?? 0 };
    },
    async countByReason(tenant) {
      const rows = await sql.unsafe<Array<{ reason: string; n: number }>>(
        'SELECT reason, count(*)::int AS n FROM ingest_rejections WHERE tenant = $1 GROUP BY reason',
        [tenant],
      );
      return Object.fromEntries(rows.map((row) => [row.reason, row.n]));
    },
  };
}

/** `?` placeholders → `$1`, `$2`… */
function numbered(where: string): string {
  let index = 0;
  return where.replace(/\?/g, () => `$${++index}`);
}
