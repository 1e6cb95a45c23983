/**
 * RejectionStore on SQLite (ingest/ports/rejection-store.port.ts): the `ingest_rejections`
 * table, trimmed to the newest `capacity` rows in the transaction that appends a batch.
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { Rejection } from '../../ingest/ingest.types.js';
import type { RejectionStore } from '../../ingest/ports/rejection-store.port.js';
import {
  REJECTION_COLUMNS,
  rejectionFilterParams,
  rejectionFilterSql,
  rejectionOfRow,
  rejectionRow,
  type RejectionRow,
} from '../sql/rejection-rows.js';

export function createSqliteRejectionStore(
  db: SqliteDatabase,
  options: { capacity: number },
): RejectionStore {
  const insert = db.prepare(
    `INSERT INTO ingest_rejections (${REJECTION_COLUMNS.join(', ')}) VALUES (${REJECTION_COLUMNS.map(() => '?').join(', ')})`,
  );
  const trim = db.prepare(
    `DELETE FROM ingest_rejections WHERE seq <= (SELECT seq FROM ingest_rejections ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  );
  const countReasons = db.prepare<[string], { reason: string; n: number }>(
    'SELECT reason, count(*) AS n FROM ingest_rejections WHERE tenant = ? GROUP BY reason',
  );
  const append = db.transaction((rejections: Rejection[]) => {
    for (const rejection of rejections) {
      const row = rejectionRow(rejection);
      insert.run(...REJECTION_COLUMNS.map((column) => sqliteValue(row[column])));
    }
    trim.run(options.capacity);
  });
  // Four listing shapes (reason and deviceId each given or not), prepared once each.
  const listings = new Map<string, { select: Statement; count: Statement }>();

  function listing(filter: { reason?: string; deviceId?: string }) {
    const where = rejectionFilterSql(filter);
    let statements = listings.get(where);
    if (statements === undefined) {
      statements = {
        select: db.prepare(
          `SELECT ${REJECTION_COLUMNS.join(', ')} FROM ingest_rejections WHERE ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`,
        ),
        count: db.prepare(`SELECT count(*) AS n FROM ingest_rejections WHERE ${where}`),
      };
      listings.set(where, statements);
    }
    return statements;
  }

  return {
    async add(rejections) {
      if (rejections.length > 0) append(rejections);
    },
    async list(filter) {
      const statements = listing(filter);
      const params = rejectionFilterParams(filter);
      const rows = statements.select.all(...params, filter.limit, filter.offset) as RejectionRow[];
      const { n } = statements.count.get(...params) as { n: number };
      return { rejections: rows.map(rejectionOfRow), count: n };
    },
    async countByReason(tenant) {
      return Object.fromEntries(countReasons.all(tenant).map((row) => [row.reason, row.n]));
    },
  };
}

function sqliteValue(value: string | boolean | number | null): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}
