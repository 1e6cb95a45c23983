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

function outboxOver(store: SubscriptionStore, delivery: NotificationDelivery) {
  return createNotificationOutbox({
    store,
    delivery,
    owner: 'me',
    leaseMs: 1_000,
    clock: () => new Date(0),
  });
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
    const outbox = outboxOver(store, delivery);
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

  it('enqueue hands rows the store reports before its commit to delivery with that commit', async () => {
    const accepted: Array<{ keys: number[]; committed: Promise<void> | undefined }> = [];
    let committedEarly: Promise<void> | undefined;
    let finishCommit: () => void = () => undefined;
    const store = {
      enqueueNotifications(
        rows: readonly NewOutboxNotification[],
        _lease: Lease,
        onAdded?: (added: OutboxNotification[]) => void,
      ) {
        const added = rows.map((row, i): OutboxNotification => ({
          ...row,
          key: i + 1,
          attempts: 0,
        }));
        onAdded?.(added);
        return new Promise<OutboxNotification[]>(
          (resolve) => (finishCommit = () => resolve(added)),
        );
      },
    } as unknown as SubscriptionStore;
    const delivery = {
      accept(rows: readonly OutboxNotification[], committed?: Promise<void>) {
        accepted.push({ keys: rows.map((row) => row.key), committed });
        committedEarly = committed;
      },
    } as unknown as NotificationDelivery;
    const outbox = outboxOver(store, delivery);
    let done = false;
    const enqueued = outbox.enqueue([newRow(1), newRow(2)]).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      accepted.map((a) => a.keys),
      [[1, 2]],
    );
    assert.ok(committedEarly !== undefined);
    let commitSeen = false;
    void committedEarly.then(() => (commitSeen = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(commitSeen, false);
    assert.equal(done, false);
    finishCommit();
    await enqueued;
    assert.equal(commitSeen, true);
    // Handed over once only.
    assert.equal(accepted.length, 1);
  });
});
