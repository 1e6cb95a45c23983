/**
 * The monthly partitions of `attr_history` (postgres-history-schema.ts). A partition is
 * created the first time a write needs its month: inside the writing transaction, under a
 * savepoint, so that a failure (another instance created it a moment before, or rows of
 * that month already sit in the default partition, which forbids creating it) only sends
 * the rows to the default partition. Creating a partition locks `attr_history` until the
 * transaction ends, once per month per process. Clients choose observedAt freely, so only
 * months near the present get partitions, a few per write at most (PartitionPolicy);
 * other rows go to the default partition. Retention drops partitions whose whole month is
 * older than a cutoff.
 */
import type postgres from 'postgres';
import type { PostgresSql } from './postgres-database.js';

type Runner = PostgresSql | postgres.TransactionSql;

/** Which months get a partition of their own. */
export interface PartitionPolicy {
  /** Months before the current one (UTC) that may get a partition. */
  monthsBack: number;
  /** Months after the current one that may get a partition. */
  monthsAhead: number;
  /** Most partitions one write creates (each takes a lock and scans the default partition). */
  maxCreatedPerWrite: number;
  /** Epoch ms of now. */
  clock: () => number;
}

export const DEFAULT_PARTITION_POLICY: PartitionPolicy = {
  monthsBack: 24,
  monthsAhead: 2,
  maxCreatedPerWrite: 4,
  clock: () => Date.now(),
};

export interface HistoryPartitions {
  /**
   * Makes sure the months of these times have a partition when the policy allows one;
   * rows of other months go to the default partition.
   */
  ensure(tx: postgres.TransactionSql, times: Iterable<number>): Promise<void>;
  /** Creates the partitions of the previous, current and next two months (at start). */
  prepare(now: number): Promise<void>;
  /** Drops partitions whose month ends at or before `cutoff`; returns the rows they held. */
  dropBefore(cutoff: number): Promise<number>;
}

interface Month {
  name: string;
  from: number;
  to: number;
}

/** attr_history_y2026m03 holds March 2026 (UTC). */
export function monthOf(epochMs: number): Month {
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    name: `attr_history_y${String(year).padStart(4, '0')}m${String(month + 1).padStart(2, '0')}`,
    from: Date.UTC(year, month, 1),
    to: Date.UTC(year, month + 1, 1),
  };
}

const PARTITION_NAME = /^attr_history_y(\d{4})m(\d{2})$/;
/** SQLSTATE of a statement sent in a transaction that an earlier statement aborted. */
const IN_FAILED_TRANSACTION = '25P02';
/** Longest wait for the lock that creating a partition takes, inside a write. */
const LOCK_TIMEOUT_MS = 2000;

export function createHistoryPartitions(
  sql: PostgresSql,
  policy: Partial<PartitionPolicy> = {},
): HistoryPartitions {
  const { monthsBack, monthsAhead, maxCreatedPerWrite, clock } = {
    ...DEFAULT_PARTITION_POLICY,
    ...policy,
  };
  /** Months settled in this process: a partition exists, or their rows go to the default. */
  const settled = new Set<string>();

  /** The first and last month start (epoch ms) the policy gives a partition, now. */
  function allowedMonths(): [number, number] {
    const now = new Date(clock());
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth();
    return [Date.UTC(year, month - monthsBack, 1), Date.UTC(year, month + monthsAhead, 1)];
  }

  async function create(runner: Runner, month: Month): Promise<void> {
    // Identifiers cannot be bound: the name is built from digits only.
    await runner.unsafe(
      `CREATE TABLE IF NOT EXISTS ${month.name} PARTITION OF attr_history FOR VALUES FROM (${month.from}) TO (${month.to})`,
    );
  }

  return {
    async ensure(tx, times) {
      const [first, last] = allowedMonths();
      const months = new Map<string, Month>();
      for (const time of times) {
        if (months.size >= maxCreatedPerWrite) break;
        if (time < first || time >= last + 31 * 86_400_000) continue;
        const month = monthOf(time);
        if (month.from >= first && month.from <= last && !settled.has(month.name))
          months.set(month.name, month);
      }
      for (const month of months.values()) {
        try {
          await tx.savepoint(async (sp) => {
            // Creating a partition waits for every open transaction on attr_history: rather
            // than queue behind a long read (and hold up every write after it), give up after
            // a moment and let the rows go to the default partition.
            const [previous] = await sp.unsafe<Array<{ value: string }>>(
              "SELECT current_setting('lock_timeout') AS value",
            );
            await sp.unsafe(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
            await create(sp, month);
            await sp.unsafe("SELECT set_config('lock_timeout', $1, true)", [
              previous?.value ?? '0',
            ]);
          });
        } catch (error) {
          // In a transaction already aborted (a statement before failed) nothing was tried:
          // a later write tries the month again, instead of this process never making it.
          if ((error as { code?: unknown } | null)?.code === IN_FAILED_TRANSACTION) continue;
          // Exists already, or its rows are in the default partition: either way rows can go in.
        }
        settled.add(month.name);
      }
    },
    async prepare(now) {
      const date = new Date(now);
      for (let offset = -1; offset <= 2; offset++) {
        const month = monthOf(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
        if (settled.has(month.name)) continue;
        try {
          await create(sql, month);
        } catch {
          // Another instance created it at the same moment, or the default partition holds its rows.
        }
        settled.add(month.name);
      }
    },
    async dropBefore(cutoff) {
      const partitions = await sql.unsafe<Array<{ name: string }>>(
        `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = 'attr_history' AND p.relnamespace = to_regnamespace(current_schema())::oid`,
      );
      let dropped = 0;
      for (const { name } of partitions) {
        const match = PARTITION_NAME.exec(name);
        if (match === null) continue;
        const month = monthOf(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
        if (month.to > cutoff) continue;
        const [counted] = await sql.unsafe<Array<{ n: number }>>(
          `SELECT count(*) AS n FROM ${name}`,
        );
        await sql.unsafe(`DROP TABLE IF EXISTS ${name}`);
        settled.delete(name);
        dropped += Number(counted?.n ?? 0);
      }
      return dropped;
    },
  };
}
