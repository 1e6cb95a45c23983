/**
 * Migration 6: subscriptions and the notification outbox (context/ports/subscription-store.port.ts).
 * Same tables as SQLite (sqlite-subscription-schema.ts); text keys in "C" collation.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const SUBSCRIPTION_MIGRATION: SqlMigration = {
  version: 6,
  name: 'subscriptions',
  statements: [
    `CREATE TABLE subscriptions (
      pk bigserial PRIMARY KEY,
      tenant text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      doc text NOT NULL,
      version bigint NOT NULL,
      notification_status text,
      times_sent bigint NOT NULL DEFAULT 0,
      times_failed bigint NOT NULL DEFAULT 0,
      last_notification text,
      last_success text,
      last_failure text
    )`,
    `CREATE UNIQUE INDEX subscriptions_id ON subscriptions (tenant, id)`,
    `CREATE INDEX subscriptions_version ON subscriptions (version)`,
    `CREATE TABLE subscription_counter (one integer PRIMARY KEY CHECK (one = 1), value bigint NOT NULL)`,
    `INSERT INTO subscription_counter (one, value) VALUES (1, 0)`,
    `CREATE TABLE notification_outbox (
      pk bigserial PRIMARY KEY,
      tenant text COLLATE "C" NOT NULL,
      subscription_id text COLLATE "C" NOT NULL,
      event_key text COLLATE "C" NOT NULL,
      endpoint text NOT NULL,
      body text NOT NULL,
      content_type text NOT NULL,
      headers text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      due_at bigint NOT NULL,
      lease_owner text,
      lease_until bigint,
      settled_at bigint
    )`,
    `CREATE UNIQUE INDEX notification_outbox_event ON notification_outbox (tenant, subscription_id, event_key)`,
    `CREATE INDEX notification_outbox_due ON notification_outbox (due_at) WHERE settled_at IS NULL`,
    `CREATE INDEX notification_outbox_settled ON notification_outbox (settled_at) WHERE settled_at IS NOT NULL`,
  ],
};
