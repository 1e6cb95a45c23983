/**
 * The change log on SQLite (context/ports/change-log.port.ts): `record` runs inside the
 * entity store's mutation transaction; listeners hear of the changes after it committed.
 *
 * With a history projection (a database file, sqlite-history-projection.ts) the log is also
 * the history's source: a change leaves it once relayed *and* projected. A change relayed
 * ahead of the projection is remembered here, no longer listed as pending, and removed when
 * the projection passes it (a restart forgets it: it is relayed again, as the relay allows).
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { ChangeLog, EntityChange } from '../../context/ports/change-log.port.js';
import {
  CHANGE_ROW_COLUMNS,
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
  /** The history holds every change up to `seq`. */
  projected(seq: number): void;
}

export function createSqliteChangeLog(
  db: SqliteDatabase,
  options: {
    /** Where the history projection is; no projection (history written inline) when absent. */
    projectedSeq?: number;
  } = {},
): SqliteChangeLog {
  const insert = db.prepare(
    `INSERT INTO entity_changes (tenant, entity_id, at, previous, current, subscriptions_version)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  // The subscriptions' version is read in the changes' transaction (EntityChange): once for
  // the batch, since the transaction holds the write lock that a subscription change needs.
  const selectVersion = db
    .prepare<[], number | null>(
      'SELECT (SELECT value FROM subscription_counter WHERE one = 1) AS subscriptions_version',
    )
    .pluck();
  const selectPending = db.prepare<[number], ChangeRow>(
    `SELECT ${CHANGE_ROW_COLUMNS} FROM entity_changes ORDER BY seq LIMIT ?`,
  );
  const selectPendingExcept = db.prepare<[string, number], ChangeRow>(
    `SELECT ${CHANGE_ROW_COLUMNS} FROM entity_changes
     WHERE seq NOT IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?`,
  );
  // Relayed changes come in runs of consecutive numbers: one range delete per run.
  const removeRun = db.prepare('DELETE FROM entity_changes WHERE seq BETWEEN ? AND ?');
  const removeAll = db.transaction((seqs: readonly number[]) => {
    for (const [first, last] of consecutiveRuns(seqs)) removeRun.run(first, last);
  });
  const listeners = createCommitListeners();
  const now = () => new Date().toISOString();
  let projectedUpTo = options.projectedSeq ?? Number.POSITIVE_INFINITY;
  const relayedAhead = new Set<number>();

  return {
    record(tenant, writes) {
      const changes = changesOfWrites(tenant, writes, now);
      if (changes.length === 0) return [];
      const version = selectVersion.get() ?? null;
      return changes.map((change) => {
        const seq = insert.run(
          tenant,
          change.entityId,
          change.at,
          change.previous === null ? null : entityDoc(change.previous),
          change.current === null ? null : entityDoc(change.current),
          version,
        ).lastInsertRowid;
        return {
          seq: Number(seq),
          ...change,
          ...(version === null ? {} : { subscriptionsVersion: version }),
        };
      });
    },
    committed: listeners.notify,
    onCommit: listeners.add,
    projected(seq) {
      projectedUpTo = Math.max(projectedUpTo, seq);
      if (relayedAhead.size === 0) return;
      const done = [...relayedAhead].filter((s) => s <= projectedUpTo);
      for (const s of done) relayedAhead.delete(s);
      if (done.length > 0) removeAll(done);
    },
    async pendingChanges(limit) {
      const rows =
        relayedAhead.size === 0
          ? selectPending.all(limit)
          : selectPendingExcept.all(JSON.stringify([...relayedAhead]), limit);
      return rows.map(changeOfRow);
    },
    async removeChanges(seqs) {
      const removable = seqs.filter((seq) => seq <= projectedUpTo);
      for (const seq of seqs) if (seq > projectedUpTo) relayedAhead.add(seq);
      if (removable.length > 0) removeAll(removable);
    },
  };
}

/** The runs of consecutive integers in `seqs`, as [first, last] pairs, in ascending order. */
export function consecutiveRuns(seqs: readonly number[]): Array<[number, number]> {
  const sorted = [...seqs].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const seq of sorted) {
    const run = runs[runs.length - 1];
    if (run !== undefined && seq <= run[1] + 1) run[1] = Math.max(run[1], seq);
    else runs.push([seq, seq]);
  }
  return runs;
}
