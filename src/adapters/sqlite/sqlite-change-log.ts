/**
 * The change log on SQLite (context/ports/change-log.port.ts): `record` runs inside the
 * entity store's mutation transaction; listeners hear of the changes after it committed.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { ChangeLog, EntityChange } from '../../context/ports/change-log.port.js';
import {
  changeOfRow,
  changesOfWrites,
  createCommitListeners,
  type ChangeRow,
} from '../sql/change-rows.js';
import { entityDoc } from '../sql/entity-doc.js';
import type { EntityWrite } from '../sql/mutation-plan.js';

export interface SqliteChangeLog extends ChangeLog {
  /** Inside the mutation transaction: logs the batch's writes. */
  record(tenant: string, writes: readonly EntityWrite[]): EntityChange[];
  /** After the commit. */
  committed(changes: EntityChange[]): void;
}

export function createSqliteChangeLog(db: SqliteDatabase): SqliteChangeLog {
  // The subscriptions' version is read in the change's transaction (EntityChange).
  const insert = db.prepare<unknown[], { seq: number; subscriptions_version: number | null }>(
    `INSERT INTO entity_changes (tenant, entity_id, at, previous, current, subscriptions_version)
     VALUES (?, ?, ?, ?, ?, (SELECT value FROM subscription_counter WHERE one = 1))
     RETURNING seq, subscriptions_version`,
  );
  const selectPending = db.prepare<[number], ChangeRow>(
    'SELECT seq, tenant, entity_id, at, previous, current, subscriptions_version FROM entity_changes ORDER BY seq LIMIT ?',
  );
  const remove = db.prepare('DELETE FROM entity_changes WHERE seq = ?');
  const removeAll = db.transaction((seqs: readonly number[]) => {
    for (const seq of seqs) remove.run(seq);
  });
  const listeners = createCommitListeners();
  const now = () => new Date().toISOString();

  return {
    record(tenant, writes) {
      return changesOfWrites(tenant, writes, now).map((change) => {
        const row = insert.get(
          tenant,
          change.entityId,
          change.at,
          change.previous === null ? null : entityDoc(change.previous),
          change.current === null ? null : entityDoc(change.current),
        ) as { seq: number; subscriptions_version: number | null };
        return {
          seq: row.seq,
          ...change,
          ...(row.subscriptions_version === null
            ? {}
            : { subscriptionsVersion: row.subscriptions_version }),
        };
      });
    },
    committed: listeners.notify,
    onCommit: listeners.add,
    async pendingChanges(limit) {
      return selectPending.all(limit).map(changeOfRow);
    },
    async removeChanges(seqs) {
      if (seqs.length > 0) removeAll(seqs);
    },
  };
}
