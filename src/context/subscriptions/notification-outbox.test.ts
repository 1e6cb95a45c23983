import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  Lease,
  NewOutboxNotification,
  OutboxNotification,
  SubscriptionStore,
} from '../ports/subscription-store.port.js';
import type { NotificationDelivery } from './notification-delivery.js';
import { createNotificationOutbox, ENQUEUE_CHUNK } from './notification-outbox.js';

function newRow(n: number): NewOutboxNotification {
  return {
    tenant: '',
    subscriptionId: `urn:ngsi-ld:Subscription:${n}`,
    eventKey: 'c1',
    endpoint: { uri: 'http://receiver.example/n' },
    message: {
      tenant: '',
      subscriptionId: `urn:ngsi-ld:Subscription:${n}`,
      body: '{}',
      contentType: 'application/json',
      headers: {},
    },
    dueAt: 0,
  };
}

describe('createNotificationOutbox', () => {
  it('enqueue writes a large batch in transactions of ENQUEUE_CHUNK rows, each handed to delivery once committed', async () => {
    const events: string[] = [];
    let key = 0;
    const store = {
      async enqueueNotifications(rows: readonly NewOutboxNotification[], _lease: Lease) {
        events.push(`write ${rows.length}`);
        return rows.map((row): OutboxNotification => ({ ...row, key: ++key, attempts: 0 }));
      },
    } as unknown as SubscriptionStore;
    const delivery = {
      accept(rows: readonly OutboxNotification[]) {
        events.push(`accept ${rows.length}`);
      },
    } as unknown as NotificationDelivery;
    const outbox = createNotificationOutbox({
      store,
      delivery,
      owner: 'me',
      leaseMs: 1_000,
      clock: () => new Date(0),
    });
    const rows = Array.from({ length: 2 * ENQUEUE_CHUNK + 3 }, (_, n) => newRow(n));
    await outbox.enqueue(rows);
    assert.deepEqual(events, [
      `write ${ENQUEUE_CHUNK}`,
      `accept ${ENQUEUE_CHUNK}`,
      `write ${ENQUEUE_CHUNK}`,
      `accept ${ENQUEUE_CHUNK}`,
      'write 3',
      'accept 3',
    ]);
  });
});
