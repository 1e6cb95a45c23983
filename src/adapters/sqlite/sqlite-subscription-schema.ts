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
