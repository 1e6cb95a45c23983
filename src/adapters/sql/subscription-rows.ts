/** Rows of the subscription tables (migration 6) ↔ the SubscriptionStore port's objects; the outbox indexes of migration 11. */
import type {
  NewOutboxNotification,
  OutboxNotification,
  StoredSubscription,
} from '../../context/ports/subscription-store.port.js';
import type { Subscription } from '../../ngsi-ld/subscription/subscription.js';
import type { SqlMigration } from './sql-migration.js';

export interface SubscriptionRow {
  tenant: string;
  doc: string;
  version: number;
  notification_status: string | null;
  times_sent: number;
  times_failed: number;
  last_notification: string | null;
  last_success: string | null;
  last_failure: string | null;
}

export const SUBSCRIPTION_COLUMNS =
  'tenant, doc, version, notification_status, times_sent, times_failed, last_notification, last_success, last_failure';

export function subscriptionFromRow(row: SubscriptionRow): StoredSubscription {
  const delivery: StoredSubscription['delivery'] = {
    timesSent: Number(row.times_sent),
    timesFailed: Number(row.times_failed),
  };
  if (row.notification_status === 'ok' || row.notification_status === 'failed')
    delivery.status = row.notification_status;
  if (row.last_notification !== null) delivery.lastNotification = row.last_notification;
  if (row.last_success !== null) delivery.lastSuccess = row.last_success;
  if (row.last_failure !== null) delivery.lastFailure = row.last_failure;
  return {
    tenant: row.tenant,
    subscription: JSON.parse(row.doc) as Subscription,
    delivery,
    version: Number(row.version),
  };
}

export interface OutboxRow {
  pk: number;
  tenant: string;
  subscription_id: string;
  event_key: string;
  endpoint: string;
  body: string;
  content_type: string;
  headers: string;
  attempts: number;
  due_at: number;
}

export const OUTBOX_COLUMNS =
  'pk, tenant, subscription_id, event_key, endpoint, body, content_type, headers, attempts, due_at';

export function outboxFromRow(row: OutboxRow): OutboxNotification {
  return {
    key: Number(row.pk),
    tenant: row.tenant,
    subscriptionId: row.subscription_id,
    eventKey: row.event_key,
    endpoint: JSON.parse(row.endpoint) as OutboxNotification['endpoint'],
    message: {
      tenant: row.tenant,
      subscriptionId: row.subscription_id,
      body: row.body,
      contentType: row.content_type,
      headers: JSON.parse(row.headers) as Record<string, string>,
    },
    attempts: Number(row.attempts),
    dueAt: Number(row.due_at),
  };
}

/** Column values of a new outbox row, in OUTBOX_INSERT_COLUMNS order. */
export function outboxValues(row: NewOutboxNotification): Array<string | number> {
  return [
    row.tenant,
    row.subscriptionId,
    row.eventKey,
    JSON.stringify(row.endpoint),
    row.message.body,
    row.message.contentType,
    JSON.stringify(row.message.headers),
    row.dueAt,
  ];
}

export const OUTBOX_INSERT_COLUMNS =
  'tenant, subscription_id, event_key, endpoint, body, content_type, headers, due_at, lease_owner, lease_until';

/**
 * Migration 11 of both adapters (the same statements), the outbox's indexes for its write rate:
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
