/**
 * The change log on PostgreSQL (context/ports/change-log.port.ts): the entity store copies
 * the rows `record` gives it inside its mutation transaction, one COPY for the whole batch;
 * listeners hear of the changes after the commit.
 *
 * `seq` comes from a sequence, so concurrent transactions may commit out of seq order:
 * readers therefore take whatever rows are present (`pendingChanges`), never "after the
 * last seq seen".
 */
import type { ChangeLog, EntityChange } from '../../context/ports/change-log.port.js';
import {
  CHANGE_ROW_COLUMNS,
  changeOfRow,
  changesOfWrites,
  createCommitListeners,
  type ChangeRow,
  type UnsequencedChange,
} from '../sql/change-rows.js';
import { entityDoc } from '../sql/entity-doc.js';
import type { EntityWrite } from '../sql/mutation-plan.js';
import type { CopyJob } from './postgres-copy.js';
import type { PostgresSql } from './postgres-database.js';

const CHANGE_COLUMNS = [
  'seq',
  'tenant',
  'entity_id',
  'at',
  'previous',
  'current',
  'subscriptions_version',
];

export interface PostgresChangeLog extends ChangeLog {
  /** The changes a batch's writes make (deletions are dated now). */
  changesOf(tenant: string, writes: readonly EntityWrite[]): UnsequencedChange[];
  /**
   * The log rows of a batch's changes (of one tenant), to copy inside the mutation
   * transaction, numbered with `seqs` (one per change, in order, from `CHANGE_SEQUENCE`)
   * and the subscriptions' version read in that transaction (EntityChange); `changes` once
   * the copy is done.
   */
  record(
    changes: readonly UnsequencedChange[],
    seqs: readonly number[],
    subscriptionsVersion: number | null,
  ): { copy: CopyJob | undefined; changes(): EntityChange[] };
  /** After the commit. */
  committed(changes: EntityChange[]): void;
}

/** The sequence of `entity_changes.seq` (a bigserial). */
export const CHANGE_SEQUENCE = 'entity_changes_seq_seq';

export function createPostgresChangeLog(sql: PostgresSql): PostgresChangeLog {
  const listeners = createCommitListeners();
  const now = () => new Date().toISOString();
  return {
    changesOf: (tenant, writes) => changesOfWrites(tenant, writes, now),
    record(changes, seqs, subscriptionsVersion) {
      const tenant = changes[0]?.tenant;
      if (tenant === undefined) return { copy: undefined, changes: () => [] };
      const copy: CopyJob = {
        table: 'entity_changes',
        columns: CHANGE_COLUMNS,
        types: ['bigint', 'text', 'text', 'text', 'text', 'text', 'bigint'],
        rows: () =>
          changes.map((c, i) => [
            seqs[i],
            tenant,
            c.entityId,
            c.at,
            c.previous === null ? null : entityDoc(c.previous),
            c.current === null ? null : entityDoc(c.current),
            subscriptionsVersion,
          ]),
      };
      return {
        copy,
        changes: () =>
          changes.map((change, i) => ({
            seq: seqs[i] as number,
            ...change,
            ...(subscriptionsVersion === null ? {} : { subscriptionsVersion }),
          })),
      };
    },
    committed: listeners.notify,
    onCommit: listeners.add,
    async pendingChanges(limit) {
      const rows = await sql.unsafe<ChangeRow[]>(
        `SELECT ${CHANGE_ROW_COLUMNS} FROM entity_changes ORDER BY seq LIMIT $1`,
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
