/**
 * SubscriptionStore on SQLite: the `subscriptions`, `subscription_counter` and
 * `notification_outbox` tables (migrations 6 and 10). better-sqlite3 is synchronous: every method
 * is one transaction, finished before it returns.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type {
  SubscriptionStore,
  SubscriptionUpdate,
} from '../../context/ports/subscription-store.port.js';
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
import { sqliteTenantRegistration } from './sqlite-tenants.js';

/**
 * Leases due rows: free ones (released for a retry) and those whose lease ran out, each
 * found in its own index (migration 11), oldest due first.
 */
export const OUTBOX_CLAIM_SQL = `UPDATE notification_outbox SET lease_owner = @owner, lease_until = @until
  WHERE pk IN (SELECT pk FROM (
      SELECT * FROM (SELECT pk, due_at FROM notification_outbox
                     WHERE settled_at IS NULL AND lease_until IS NULL AND due_at <= @now
                     ORDER BY due_at LIMIT @limit)
      UNION ALL
      SELECT * FROM (SELECT pk, due_at FROM notification_outbox
                     WHERE settled_at IS NULL AND lease_until IS NOT NULL AND lease_until < @now AND due_at <= @now
                     ORDER BY lease_until LIMIT @limit))
    ORDER BY due_at LIMIT @limit)
  RETURNING ${OUTBOX_COLUMNS}`;

export function createSqliteSubscriptionStore(db: SqliteDatabase): SubscriptionStore {
  const nextVersion = db
    .prepare('UPDATE subscription_counter SET value = value + 1 WHERE one = 1 RETURNING value')
    .pluck();
  const counter = db.prepare('SELECT value FROM subscription_counter WHERE one = 1').pluck();
  const registerTenant = sqliteTenantRegistration(db);
  const insert = db.prepare(
    'INSERT INTO subscriptions (tenant, id, doc, version) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, id) DO NOTHING',
  );
  const select = db.prepare<[string, string], SubscriptionRow>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE tenant = ? AND id = ?`,
  );
  const page = db.prepare<[string, number, number], SubscriptionRow>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE tenant = ? ORDER BY pk LIMIT ? OFFSET ?`,
  );
  const count = db.prepare('SELECT count(*) FROM subscriptions WHERE tenant = ?').pluck();
  const update = db.prepare(
    'UPDATE subscriptions SET doc = ?, version = ? WHERE tenant = ? AND id = ?',
  );
  const storedVersion = db
    .prepare<[string, string], number>(
      'SELECT version FROM subscriptions WHERE tenant = ? AND id = ?',
    )
    .pluck();
  const remove = db.prepare('DELETE FROM subscriptions WHERE tenant = ? AND id = ?');
  const removeOutbox = db.prepare(
    'DELETE FROM notification_outbox WHERE tenant = ? AND subscription_id = ? AND settled_at IS NULL',
  );
  const versions = db.prepare<[], { tenant: string; id: string; version: number }>(
    'SELECT tenant, id, version FROM subscriptions',
  );
  const since = db.prepare<[number], SubscriptionRow>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE version > ? ORDER BY version`,
  );
  const report = db.prepare(
    `UPDATE subscriptions SET times_sent = times_sent + ?, times_failed = times_failed + ?,
       last_notification = max(coalesce(last_notification, ''), ?), notification_status = ?,
       last_success = coalesce(?, last_success), last_failure = coalesce(?, last_failure)
     WHERE tenant = ? AND id = ?`,
  );
  const enqueue = db
    .prepare<unknown[], number>(
      `INSERT INTO notification_outbox (${OUTBOX_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (event_key, tenant, subscription_id) DO NOTHING RETURNING pk`,
    )
    .pluck();
  const claim = db.prepare<
    [{ owner: string; until: number; now: number; limit: number }],
    OutboxRow
  >(OUTBOX_CLAIM_SQL);
  // Key lists travel as one JSON array parameter: one prepared statement whatever their length.
  const renew = db.prepare(
    'UPDATE notification_outbox SET lease_until = ? WHERE lease_owner = ? AND pk IN (SELECT value FROM json_each(?))',
  );
  // A settled row is only the memory of its event (duplicates notify once): its payload goes,
  // so that minutes of settled rows stay small.
  const settle = db.prepare(
    `UPDATE notification_outbox SET settled_at = ?, lease_owner = NULL, lease_until = NULL, endpoint = '', body = '', headers = ''
     WHERE pk IN (SELECT value FROM json_each(?))`,
  );
  const reschedule = db.prepare(
    'UPDATE notification_outbox SET attempts = ?, due_at = ?, lease_owner = NULL, lease_until = NULL WHERE pk = ?',
  );
  const purge = db.prepare(
    'DELETE FROM notification_outbox WHERE pk IN (SELECT pk FROM notification_outbox WHERE settled_at < ? LIMIT ?)',
  );

  return {
    async createSubscription(tenant, subscription) {
      return db
        .transaction(() => {
          const version = nextVersion.get() as number;
          const added = insert.run(tenant, subscription.id, JSON.stringify(subscription), version);
          if (added.changes === 0)
            throw alreadyExists(`Subscription ${subscription.id} already exists`, subscription.id);
          registerTenant(tenant);
          return version;
        })
        .immediate();
    },

    async getSubscription(tenant, id) {
      const row = select.get(tenant, id);
      return row === undefined ? undefined : subscriptionFromRow(row);
    },

    async listSubscriptions(tenant, { limit, offset }) {
      return {
        items: limit === 0 ? [] : page.all(tenant, limit, offset).map(subscriptionFromRow),
        total: count.get(tenant) as number,
      };
    },

    async updateSubscription(tenant, subscription, basedOn) {
      return db
        .transaction((): SubscriptionUpdate => {
          const stored = storedVersion.get(tenant, subscription.id);
          if (stored === undefined) return 'missing';
          if (stored !== basedOn) return 'changed';
          const version = nextVersion.get() as number;
          update.run(JSON.stringify(subscription), version, tenant, subscription.id);
          return version;
        })
        .immediate();
    },

    async deleteSubscription(tenant, id) {
      return db
        .transaction(() => {
          if (remove.run(tenant, id).changes === 0) return false;
          nextVersion.get();
          removeOutbox.run(tenant, id);
          return true;
        })
        .immediate();
    },

    async subscriptionCounter() {
      return counter.get() as number;
    },

    async subscriptionVersions() {
      return versions.all();
    },

    async subscriptionsSince(version) {
      return since.all(version).map(subscriptionFromRow);
    },

    async recordDeliveries(reports) {
      db.transaction(() => {
        for (const r of reports)
          report.run(
            r.sent,
            r.failed,
            r.lastNotification,
            r.status,
            r.lastSuccess ?? null,
            r.lastFailure ?? null,
            r.tenant,
            r.id,
          );
      })();
    },

    async enqueueNotifications(rows, lease) {
      return db.transaction(() =>
        rows.flatMap((row) => {
          const key = enqueue.get(...outboxValues(row), lease.owner, lease.until);
          return key === undefined ? [] : [{ ...row, key, attempts: 0 }];
        }),
      )();
    },

    async claimNotifications(lease, now, limit) {
      return claim.all({ owner: lease.owner, until: lease.until, now, limit }).map(outboxFromRow);
    },

    async renewLeases(keys, lease) {
      if (keys.length > 0) renew.run(lease.until, lease.owner, JSON.stringify(keys));
    },

    async settleNotifications(keys, at) {
      if (keys.length > 0) settle.run(at, JSON.stringify(keys));
    },

    async rescheduleNotifications(rows) {
      db.transaction(() => {
        // Whole milliseconds, as on PostgreSQL (a bigint column there).
        for (const row of rows) reschedule.run(row.attempts, Math.ceil(row.dueAt), row.key);
      })();
    },

    async purgeSettled(before, limit) {
      return purge.run(before, limit).changes;
    },
  };
}
