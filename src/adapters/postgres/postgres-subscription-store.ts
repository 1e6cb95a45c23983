/**
 * SubscriptionStore on PostgreSQL: the tables of migrations 6 and 10. Several instances share
 * them: the version counter row serialises subscription writes (so versions commit in
 * order), and outbox rows are claimed with `FOR UPDATE SKIP LOCKED`, so each due row goes
 * to exactly one instance.
 */
import type {
  OutboxNotification,
  SubscriptionStore,
  SubscriptionUpdate,
} from '../../context/ports/subscription-store.port.js';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';
import { alreadyExists } from '../../ngsi-ld/problem-details.js';
import {
  OUTBOX_COLUMNS,
  OUTBOX_INSERT_COLUMNS,
  SUBSCRIPTION_COLUMNS,
  outboxFromRow,
  outboxValues,
  subscriptionFromRow,
  type OutboxRow,
  type SubscriptionRow,
} from '../sql/subscription-rows.js';
import type { PostgresParameter, PostgresSql } from './postgres-database.js';

const ENQUEUE = `INSERT INTO notification_outbox (${OUTBOX_INSERT_COLUMNS})
  SELECT u.*, $9::text, $10::bigint
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[]) AS u
  ON CONFLICT (event_key, tenant, subscription_id) DO NOTHING
  RETURNING pk, tenant, subscription_id, event_key`;

const NEXT_VERSION =
  'UPDATE subscription_counter SET value = value + 1 WHERE one = 1 RETURNING value';

export function createPostgresSubscriptionStore(sql: PostgresSql): SubscriptionStore {
  const run = <T>(text: string, params: unknown[] = []) =>
    sql.unsafe<T[]>(text, params as PostgresParameter[], { prepare: true });

  return {
    async createSubscription(tenant, subscription) {
      return sql.begin(async (tx) => {
        const [next] = await tx.unsafe<Array<{ value: number }>>(NEXT_VERSION);
        const version = Number(next?.value);
        const added = await tx.unsafe(
          'INSERT INTO subscriptions (tenant, id, doc, version) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, id) DO NOTHING',
          [tenant, subscription.id, JSON.stringify(subscription), version],
        );
        if (added.count === 0)
          throw alreadyExists(`Subscription ${subscription.id} already exists`, subscription.id);
        if (tenant !== DEFAULT_TENANT)
          await tx.unsafe('INSERT INTO tenants (name) VALUES ($1) ON CONFLICT DO NOTHING', [
            tenant,
          ]);
        return version;
      });
    },

    async getSubscription(tenant, id) {
      const [row] = await run<SubscriptionRow>(
        `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE tenant = $1 AND id = $2`,
        [tenant, id],
      );
      return row === undefined ? undefined : subscriptionFromRow(row);
    },

    async listSubscriptions(tenant, { limit, offset }) {
      const [counted] = await run<{ n: number }>(
        'SELECT count(*)::bigint AS n FROM subscriptions WHERE tenant = $1',
        [tenant],
      );
      const rows =
        limit === 0
          ? []
          : await run<SubscriptionRow>(
              `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE tenant = $1 ORDER BY pk LIMIT $2 OFFSET $3`,
              [tenant, limit, offset],
            );
      return { items: rows.map(subscriptionFromRow), total: Number(counted?.n ?? 0) };
    },

    async updateSubscription(tenant, subscription, basedOn) {
      return sql.begin(async (tx): Promise<SubscriptionUpdate> => {
        const [stored] = await tx.unsafe<Array<{ version: string }>>(
          'SELECT version FROM subscriptions WHERE tenant = $1 AND id = $2 FOR UPDATE',
          [tenant, subscription.id],
        );
        if (stored === undefined) return 'missing';
        if (Number(stored.version) !== basedOn) return 'changed';
        const [next] = await tx.unsafe<Array<{ value: number }>>(NEXT_VERSION);
        const version = Number(next?.value);
        await tx.unsafe(
          'UPDATE subscriptions SET doc = $1, version = $2 WHERE tenant = $3 AND id = $4',
          [JSON.stringify(subscription), version, tenant, subscription.id],
        );
        return version;
      });
    },

    async deleteSubscription(tenant, id) {
      return sql.begin(async (tx) => {
        const removed = await tx.unsafe('DELETE FROM subscriptions WHERE tenant = $1 AND id = $2', [
          tenant,
          id,
        ]);
        if (removed.count === 0) return false;
        await tx.unsafe(NEXT_VERSION);
        await tx.unsafe(
          'DELETE FROM notification_outbox WHERE tenant = $1 AND subscription_id = $2 AND settled_at IS NULL',
          [tenant, id],
        );
        return true;
      });
    },

    async subscriptionCounter() {
      const [row] = await run<{ value: number }>(
        'SELECT value FROM subscription_counter WHERE one = 1',
      );
      return Number(row?.value ?? 0);
    },

    async subscriptionVersions() {
      const rows = await run<{ tenant: string; id: string; version: number }>(
        'SELECT tenant, id, version FROM subscriptions',
      );
      return rows.map((row) => ({ tenant: row.tenant, id: row.id, version: Number(row.version) }));
    },

    async subscriptionsSince(version) {
      const rows = await run<SubscriptionRow>(
        `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE version > $1 ORDER BY version`,
        [version],
      );
      return rows.map(subscriptionFromRow);
    },

    async recordDeliveries(reports) {
      if (reports.length === 0) return;
      await run(
        `UPDATE subscriptions s SET times_sent = s.times_sent + r.sent, times_failed = s.times_failed + r.failed,
           last_notification = greatest(s.last_notification, r.last_notification), notification_status = r.status,
           last_success = coalesce(r.last_success, s.last_success), last_failure = coalesce(r.last_failure, s.last_failure)
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS r(tenant, id, sent, failed, last_notification, status, last_success, last_failure)
         WHERE s.tenant = r.tenant AND s.id = r.id`,
        [
          reports.map((r) => r.tenant),
          reports.map((r) => r.id),
          reports.map((r) => r.sent),
          reports.map((r) => r.failed),
          reports.map((r) => r.lastNotification),
          reports.map((r) => r.status),
          reports.map((r) => r.lastSuccess ?? null),
          reports.map((r) => r.lastFailure ?? null),
        ],
      );
    },

    async enqueueNotifications(rows, lease, onAdded) {
      if (rows.length === 0) return [];
      const columns = rows.map(outboxValues);
      const column = (i: number) => columns.map((values) => values[i]);
      const params = [0, 1, 2, 3, 4, 5, 6, 7]
        .map(column)
        .concat([lease.owner, lease.until] as never[]) as PostgresParameter[];
      const insert = async (tx: Pick<PostgresSql, 'unsafe'>) => {
        const added = await tx.unsafe<
          Array<{ pk: number; tenant: string; subscription_id: string; event_key: string }>
        >(ENQUEUE, params, { prepare: true });
        // Rows skipped as duplicates return nothing: match the keys back by event.
        const keys = new Map(
          added.map((k) => [`${k.tenant} ${k.subscription_id} ${k.event_key}`, Number(k.pk)]),
        );
        return rows.flatMap((row): OutboxNotification[] => {
          const key = keys.get(`${row.tenant} ${row.subscriptionId} ${row.eventKey}`);
          return key === undefined ? [] : [{ ...row, key, attempts: 0 }];
        });
      };
      if (onAdded === undefined) return insert(sql);
      // The rows are known (and known to be new: a concurrent insert of the same event waits
      // on the unique index) before COMMIT returns, which waits for the WAL to reach the
      // disk: they may be sent meanwhile.
      return sql.begin(async (tx) => {
        const added = await insert(tx);
        if (added.length > 0) onAdded(added);
        return added;
      });
    },

    async claimNotifications(lease, now, limit) {
      const rows = await run<OutboxRow>(
        // Free rows and rows whose lease ran out, each from its own index (migration 11).
        `WITH free AS (SELECT pk, due_at FROM notification_outbox
                       WHERE settled_at IS NULL AND lease_until IS NULL AND due_at <= $3
                       ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED),
              expired AS (SELECT pk, due_at FROM notification_outbox
                          WHERE settled_at IS NULL AND lease_until IS NOT NULL AND lease_until < $3 AND due_at <= $3
                          ORDER BY lease_until LIMIT $4 FOR UPDATE SKIP LOCKED)
         UPDATE notification_outbox SET lease_owner = $1, lease_until = $2
         WHERE pk IN (SELECT pk FROM (SELECT * FROM free UNION ALL SELECT * FROM expired) AS claimable
                      ORDER BY due_at LIMIT $4)
         RETURNING ${OUTBOX_COLUMNS}`,
        [lease.owner, lease.until, now, limit],
      );
      return rows.map(outboxFromRow).sort((a, b) => a.dueAt - b.dueAt || a.key - b.key);
    },

    async renewLeases(keys, lease) {
      if (keys.length === 0) return;
      await run(
        'UPDATE notification_outbox SET lease_until = $1 WHERE lease_owner = $2 AND pk = ANY($3::bigint[])',
        [lease.until, lease.owner, keys],
      );
    },

    async settleNotifications(keys, at) {
      if (keys.length === 0) return;
      await run(
        // Only the memory of the event is kept (see the SQLite store): the payload goes.
        `UPDATE notification_outbox SET settled_at = $1, lease_owner = NULL, lease_until = NULL, endpoint = '', body = '', headers = ''
         WHERE pk = ANY($2::bigint[])`,
        [at, keys],
      );
    },

    async rescheduleNotifications(rows) {
      if (rows.length === 0) return;
      await run(
        `UPDATE notification_outbox o SET attempts = u.attempts, due_at = u.due_at, lease_owner = NULL, lease_until = NULL
         FROM unnest($1::bigint[], $2::integer[], $3::bigint[]) AS u(pk, attempts, due_at) WHERE o.pk = u.pk`,
        [rows.map((r) => r.key), rows.map((r) => r.attempts), rows.map((r) => epochMs(r.dueAt))],
      );
    },

    async purgeSettled(before, limit) {
      const removed = await run(
        'DELETE FROM notification_outbox WHERE pk IN (SELECT pk FROM notification_outbox WHERE settled_at < $1 LIMIT $2)',
        [before, limit],
      );
      return removed.count;
    },
  };
}

/** A due time the bigint column takes: whole milliseconds, rounded up. */
function epochMs(ms: number): number {
  return Math.min(Math.ceil(ms), Number.MAX_SAFE_INTEGER);
}
