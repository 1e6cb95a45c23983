/**
 * Migration 6: subscriptions and the notification outbox (context/ports/subscription-store.port.ts).
 *
 * `subscriptions.doc` is the Subscription as JSON; the delivery status lives in columns of
 * its own, updated without rewriting the document. `subscription_counter` is the one-row
 * store-wide version counter. `notification_outbox` rows are unique per (tenant,
 * subscription, event): a change the bus delivers twice is notified once.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const SUBSCRIPTION_MIGRATION: SqlMigration = {
  version: 6,
  name: 'subscriptions',
  statements: [
    `CREATE TABLE subscriptions (
      pk INTEGER PRIMARY KEY,
      tenant TEXT NOT NULL,
      id TEXT NOT NULL,
      doc TEXT NOT NULL,
      version INTEGER NOT NULL,
      notification_status TEXT,
      times_sent INTEGER NOT NULL DEFAULT 0,
      times_failed INTEGER NOT NULL DEFAULT 0,
      last_notification TEXT,
      last_success TEXT,
      last_failure TEXT
    )`,
    `CREATE UNIQUE INDEX subscriptions_id ON subscriptions (tenant, id)`,
    `CREATE INDEX subscriptions_version ON subscriptions (version)`,
    `CREATE TABLE subscription_counter (one INTEGER PRIMARY KEY CHECK (one = 1), value INTEGER NOT NULL)`,
    `INSERT INTO subscription_counter (one, value) VALUES (1, 0)`,
    `CREATE TABLE notification_outbox (
      pk INTEGER PRIMARY KEY,
      tenant TEXT NOT NULL,
      subscription_id TEXT NOT NULL,
      event_key TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      body TEXT NOT NULL,
      content_type TEXT NOT NULL,
      headers TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      due_at INTEGER NOT NULL,
      lease_owner TEXT,
      lease_until INTEGER,
      settled_at INTEGER
    )`,
    `CREATE UNIQUE INDEX notification_outbox_event ON notification_outbox (tenant, subscription_id, event_key)`,
    `CREATE INDEX notification_outbox_due ON notification_outbox (due_at) WHERE settled_at IS NULL`,
    `CREATE INDEX notification_outbox_settled ON notification_outbox (settled_at) WHERE settled_at IS NOT NULL`,
  ],
};

/**
 * Migration 11, the outbox's indexes for its write rate:
 * - the unique key leads with the event, so the rows of one change (or periodic tick) sit
 *   side by side in the index: led by random subscription ids, every new row dirtied its
 *   own index page, and with minutes of settled rows kept the index outgrew the cache (an
 *   insert cost 3–4 × as much). Deleting a subscription's pending rows uses a small partial
 *   index of unsettled rows instead;
 * - claims find free rows (released for a retry) and leases that ran out in two indexes of
 *   their own; in one index of every unsettled row by due time, each claim stepped over the
 *   thousands of rows this instance holds in memory.
 */
export const OUTBOX_EVENT_KEY_MIGRATION: SqlMigration = {
  version: 11,
  name: 'notification-outbox-event-key',
  statements: [
    `DROP INDEX notification_outbox_event`,
    `CREATE UNIQUE INDEX notification_outbox_event ON notification_outbox (event_key, tenant, subscription_id)`,
    `CREATE INDEX notification_outbox_pending ON notification_outbox (tenant, subscription_id) WHERE settled_at IS NULL`,
    `DROP INDEX notification_outbox_due`,
    `CREATE INDEX notification_outbox_free ON notification_outbox (due_at) WHERE settled_at IS NULL AND lease_until IS NULL`,
    `CREATE INDEX notification_outbox_leased ON notification_outbox (lease_until) WHERE settled_at IS NULL AND lease_until IS NOT NULL`,
  ],
};
