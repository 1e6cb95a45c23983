/**
 * Where subscriptions and their notification outbox live (subscriptions.md; DESIGN.md
 * "notifier … with outbox + retries"). Adapters: src/adapters/sqlite, src/adapters/postgres;
 * both pass test/contract/subscription-store.contract.ts.
 *
 * Subscriptions carry a version: every create, update and delete takes the next value of
 * one store-wide counter, so that each instance can see cheaply that another one changed a
 * subscription (`subscriptionCounter`) and reload only what changed.
 *
 * The outbox holds each notification from the moment it is due until it is delivered or
 * given up, so a notification survives a crash of the process that made it. A row is
 * leased by one instance at a time (`leaseOwner`/`leaseUntil`); an instance that dies
 * loses its leases when they run out and another instance (or itself, restarted) takes
 * the rows over. Rows are unique per (tenant, subscription, eventKey): a change delivered
 * twice by the change bus produces its notification once. Settled rows stay as that
 * memory until `purgeSettled`.
 */
import type { DeliveryStatus, Subscription } from '../../ngsi-ld/subscription/subscription.js';
import type { NotificationEndpoint, NotificationMessage } from './notification-sender.port.js';

export interface StoredSubscription {
  tenant: string;
  subscription: Subscription;
  delivery: DeliveryStatus;
  /** The counter value of its last create or update. */
  version: number;
}

/** The new version, or why there is none: no such id, or not the version read any more. */
export type SubscriptionUpdate = number | 'missing' | 'changed';

export interface SubscriptionVersion {
  tenant: string;
  id: string;
  version: number;
}

/** Counts and times of delivery attempts to add to a subscription's status. */
export interface DeliveryReport {
  tenant: string;
  id: string;
  sent: number;
  failed: number;
  /** The latest attempt's time and outcome. */
  lastNotification: string;
  status: 'ok' | 'failed';
  lastSuccess?: string;
  lastFailure?: string;
}

export interface NewOutboxNotification {
  tenant: string;
  subscriptionId: string;
  /** Unique per subscription: `c<seq>` for a change, `p<tick>` for a periodic notification. */
  eventKey: string;
  endpoint: NotificationEndpoint;
  message: NotificationMessage;
  /** Epoch milliseconds. */
  dueAt: number;
}

export interface OutboxNotification extends NewOutboxNotification {
  /** Store-assigned key. */
  key: number;
  /** Attempts made so far. */
  attempts: number;
}

export interface Lease {
  owner: string;
  /** Epoch milliseconds. */
  until: number;
}

export interface SubscriptionStore {
  /** Creates the tenant too (NGSI-LD 5.5.10). AlreadyExists when the id is taken in the tenant. */
  createSubscription(tenant: string, subscription: Subscription): Promise<number>;
  getSubscription(tenant: string, id: string): Promise<StoredSubscription | undefined>;
  /** In creation order; `total` counts them all. */
  listSubscriptions(
    tenant: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: StoredSubscription[]; total: number }>;
  /**
   * Replaces the definition, keeps the delivery status, and returns the new version — if
   * the stored one is still `basedOn` (compare and set: of two concurrent PATCHes read from
   * one version, the second learns that it must start again instead of undoing the first).
   */
  updateSubscription(
    tenant: string,
    subscription: Subscription,
    basedOn: number,
  ): Promise<SubscriptionUpdate>;
  /** Also drops its pending notifications; false when there was no such id. */
  deleteSubscription(tenant: string, id: string): Promise<boolean>;

  /** The store-wide counter: changes whenever a subscription is created, updated or deleted. */
  subscriptionCounter(): Promise<number>;
  /** (tenant, id, version) of every subscription. */
  subscriptionVersions(): Promise<SubscriptionVersion[]>;
  /** Subscriptions created or updated after counter value `version`. */
  subscriptionsSince(version: number): Promise<StoredSubscription[]>;
  /** Adds to the delivery status of subscriptions (unknown ones are skipped). */
  recordDeliveries(reports: readonly DeliveryReport[]): Promise<void>;

  /**
   * Adds notifications leased to `lease.owner`, in one transaction. Returns those added,
   * once committed; one whose (tenant, subscriptionId, eventKey) exists already is skipped.
   *
   * A store whose commit waits for the disk (PostgreSQL) may call `onAdded` with the same
   * rows as soon as they are known to be new, before the commit: the caller may send them
   * then, but must write nothing about them until the returned promise resolves (before the
   * commit they are invisible to other statements), and if it rejects, they do not exist.
   */
  enqueueNotifications(
    rows: readonly NewOutboxNotification[],
    lease: Lease,
    onAdded?: (added: OutboxNotification[]) => void,
  ): Promise<OutboxNotification[]>;
  /** Leases up to `limit` unsettled rows due at `now` whose lease ran out, oldest due first. */
  claimNotifications(lease: Lease, now: number, limit: number): Promise<OutboxNotification[]>;
  /** Extends the leases `lease.owner` holds on these rows. */
  renewLeases(keys: readonly number[], lease: Lease): Promise<void>;
  /** Delivered or given up: settled at `at`, kept until purged. */
  settleNotifications(keys: readonly number[], at: number): Promise<void>;
  /** Releases rows for a later attempt: attempts made so far and when the next is due. */
  rescheduleNotifications(
    rows: ReadonlyArray<{ key: number; attempts: number; dueAt: number }>,
  ): Promise<void>;
  /** Removes up to `limit` rows settled before `before`; returns how many. */
  purgeSettled(before: number, limit: number): Promise<number>;
}
