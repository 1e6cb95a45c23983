/**
 * The change log on PostgreSQL (context/ports/change-log.port.ts): `record` runs inside the
 * entity store's mutation transaction, one INSERT for the whole batch; listeners hear of
 * the changes after the commit.
 *
 * `seq` comes from a sequence, so concurrent transactions may commit out of seq order:
 * readers therefore take whatever rows are present (`pendingChanges`), never "after the
 * last seq seen".
 */
import type postgres from 'postgres';
import type { ChangeLog, EntityChange } from '../../context/ports/change-log.port.js';
import {
  changeOfRow,
  changesOfWrites,
  createCommitListeners,
  type ChangeRow,
  type UnsequencedChange,
} from '../sql/change-rows.js';
import { entityDoc } from '../sql/entity-doc.js';
import type { EntityWrite } from '../sql/mutation-plan.js';
import type { PostgresParameter, PostgresSql } from './postgres-database.js';
import { jsonRows } from './postgres-json-rows.js';

const CHANGE_ROW_COLUMNS = ['entity_id', 'at', 'previous', 'current', 'ord'];

export interface PostgresChangeLog extends ChangeLog {
  /** The changes a batch's writes make (deletions are dated now). */
  changesOf(tenant: string, writes: readonly EntityWrite[]): UnsequencedChange[];
  /** Inside the mutation transaction: logs the batch's changes (of one tenant). */
  record(
    tx: postgres.TransactionSql,
    changes: readonly UnsequencedChange[],
  ): Promise<EntityChange[]>;
  /** After the commit. */
  committed(changes: EntityChange[]): void;
}

export function createPostgresChangeLog(sql: PostgresSql): PostgresChangeLog {
  const listeners = createCommitListeners();
  const now = () => new Date().toISOString();
  return {
    changesOf: (tenant, writes) => changesOfWrites(tenant, writes, now),
    async record(tx, changes) {
      const tenant = changes[0]?.tenant;
      if (tenant === undefined) return [];
      // The subscriptions' version is read in the change's transaction (EntityChange).
      const rows = await tx.unsafe<Array<{ seq: string; subscriptions_version: string | null }>>(
        `INSERT INTO entity_changes (tenant, entity_id, at, previous, current, subscriptions_version)
         SELECT $1::text, u.entity_id, u.at, u.previous, u.current,
           (SELECT value FROM subscription_counter WHERE one = 1)
         FROM json_to_recordset($2::text::json)
           AS u(entity_id text, at text, previous text, current text, ord integer)
         ORDER BY u.ord RETURNING seq, subscriptions_version`,
        [
          tenant,
          jsonRows(
            CHANGE_ROW_COLUMNS,
            changes.map((c, i) => [
              c.entityId,
              c.at,
              c.previous === null ? null : entityDoc(c.previous),
              c.current === null ? null : entityDoc(c.current),
              i,
            ]),
          ),
        ] as PostgresParameter[],
        { prepare: true },
      );
      // RETURNING follows the insertion order of the ORDER BY.
      return changes.map((change, i) => {
        const version = rows[i]?.subscriptions_version;
        return {
          seq: Number(rows[i]?.seq),
          ...change,
          ...(version === null || version === undefined
            ? {}
            : { subscriptionsVersion: Number(version) }),
        };
      });
    },
    committed: listeners.notify,
    onCommit: listeners.add,
    async pendingChanges(limit) {
      const rows = await sql.unsafe<ChangeRow[]>(
        'SELECT seq, tenant, entity_id, at, previous, current, subscriptions_version FROM entity_changes ORDER BY seq LIMIT $1',
        [limit],
        { prepare: true },
      );
      return rows.map(changeOfRow);
    },
    async removeChanges(seqs) {
      if (seqs.length === 0) return;
      await sql.unsafe('DELETE FROM entity_changes WHERE seq = ANY($1::bigint[])', [
        seqs as number[],
      ]);
    },
  };
}
