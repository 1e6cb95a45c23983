/**
 * Turns rendered notifications into outbox rows, writes them (a transaction per
 * ENQUEUE_CHUNK rows, leased to this instance) and hands the rows actually added to
 * delivery, so a notification is sent from memory right after its row commits.
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { CompiledSubscription } from '../../ngsi-ld/subscription/compiled-subscription.js';
import { buildNotification } from '../../ngsi-ld/subscription/notification-message.js';
import type { NotificationEndpoint } from '../ports/notification-sender.port.js';
import type { NewOutboxNotification, SubscriptionStore } from '../ports/subscription-store.port.js';
import type { NotificationDelivery } from './notification-delivery.js';

/**
 * Rows written per transaction, with a pause for I/O between two: a batch of changes can
 * make thousands of notifications, and one synchronous SQLite transaction for them all
 * held the event loop for tens of milliseconds, in which no send could complete.
 */
export const ENQUEUE_CHUNK = 256;

export interface NotificationOutbox {
  notificationRow(
    compiled: CompiledSubscription,
    data: unknown[],
    context: JsonLdContext,
    options: { eventKey: string; uniqueId: string; now: Date },
  ): NewOutboxNotification;
  /** Resolves once every row is committed (and handed to delivery). */
  enqueue(rows: readonly NewOutboxNotification[]): Promise<void>;
}

export function createNotificationOutbox(deps: {
  store: SubscriptionStore;
  delivery: NotificationDelivery;
  owner: string;
  leaseMs: number;
  clock: () => Date;
}): NotificationOutbox {
  return {
    notificationRow(compiled, data, context, { eventKey, uniqueId, now }) {
      const { subscription, tenant } = compiled;
      const content = buildNotification({
        tenant,
        subscription,
        data,
        context,
        uniqueId,
        notifiedAt: now.toISOString(),
      });
      const { uri, accept, receiverInfo, notifierInfo, timeout } =
        subscription.notification.endpoint;
      const endpoint: NotificationEndpoint = { uri, accept };
      if (receiverInfo) endpoint.receiverInfo = receiverInfo;
      if (notifierInfo) endpoint.notifierInfo = notifierInfo;
      if (timeout !== undefined) endpoint.timeout = timeout;
      return {
        tenant,
        subscriptionId: subscription.id,
        eventKey,
        endpoint,
        message: { tenant, subscriptionId: subscription.id, ...content },
        dueAt: now.getTime(),
      };
    },

    async enqueue(rows) {
      for (let start = 0; start < rows.length; start += ENQUEUE_CHUNK) {
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        const until = deps.clock().getTime() + deps.leaseMs;
        // Rows the store hands over before its commit (PostgreSQL) are sent meanwhile:
        // the commit waits for the disk, and that wait is then off the notification's path.
        let commit: { resolve(): void; reject(error: unknown): void } | undefined;
        const committed = new Promise<void>((resolve, reject) => (commit = { resolve, reject }));
        committed.catch(() => undefined);
        let handedEarly = false;
        try {
          const added = await deps.store.enqueueNotifications(
            rows.slice(start, start + ENQUEUE_CHUNK),
            { owner: deps.owner, until },
            (early) => {
              handedEarly = true;
              deps.delivery.accept(early, committed);
            },
          );
          commit?.resolve();
          if (!handedEarly) deps.delivery.accept(added);
        } catch (error) {
          commit?.reject(error);
          throw error;
        }
      }
    },
  };
}
