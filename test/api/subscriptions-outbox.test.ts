/**
 * The notification outbox across restarts and instances: a notification that was due when
 * its process stopped is sent by the next one, a change delivered twice by the bus is
 * notified once, and an instance sees subscriptions another instance created.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ChangeBus } from '../../src/context/ports/change-bus.port.js';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import {
  createSubscriptionRuntime,
  notificationSettings,
  type SubscriptionRuntime,
} from '../../src/context/subscriptions/subscription-runtime.js';
import { CORE_JSON_LD_CONTEXT } from '../../src/ngsi-ld/context/json-ld-context-impl.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { handBus, vehicleCreated } from '../support/change-fixtures.js';
import { createRecordingNotificationSender } from '../support/recording-notification-sender.js';
import { NGSI, createTestApp, jsonRequest } from '../support/test-app.js';

const dir = mkdtempSync(join(tmpdir(), 'civis-outbox-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runtime(path: string, bus: ChangeBus, sender = createRecordingNotificationSender()) {
  const stores = createSqliteStores({ path });
  const rt: SubscriptionRuntime = createSubscriptionRuntime({
    store: stores.subscriptionStore,
    entityStore: stores.entityStore,
    contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
    changeBus: bus,
    senders: [sender],
    clock: () => new Date(),
    log: createLogger('silent'),
    settings: notificationSettings(
      { timeoutMs: 1_000, maxAttempts: 3, concurrencyPerEndpoint: 2, retryBaseMs: 10 },
      { pollIntervalMs: 30, leaseMs: 300 },
    ),
  });
  return { rt, sender, stores };
}

const SUBSCRIPTION = {
  type: 'Subscription',
  entities: [{ type: 'Vehicle' }],
  notification: { endpoint: { uri: 'http://127.0.0.1:9/n' } },
};

describe('The notification outbox', () => {
  it('a notification in flight when its process stopped is sent by the next process', async () => {
    const path = join(dir, 'restart.db');
    const bus1 = handBus();
    const first = runtime(path, bus1);
    await first.rt.start();
    await first.rt.service.createSubscription('', SUBSCRIPTION, CORE_JSON_LD_CONTEXT);
    first.sender.respond('http://127.0.0.1:9/n', 'hang');
    await bus1.handler()(vehicleCreated(1, 50));
    await first.sender.waitFor(1);
    // The process goes away with the notification unanswered and its row leased.
    await first.rt.stop();
    await first.sender.close();
    await first.stores.close();

    const bus2 = handBus();
    const second = runtime(path, bus2);
    await second.rt.start();
    const [sent] = await second.sender.waitFor(1);
    assert.equal(sent?.notification.data[0]?.['id'], 'urn:ngsi-ld:Vehicle:1');
    assert.equal(
      sent?.notification.id,
      first.sender.sent[0]?.notification.id,
      'the same notification, not a new one',
    );
    await second.rt.idle();
    await second.rt.stop();
    await second.stores.close();
  });

  it('a change delivered twice by the bus is notified once', async () => {
    const bus = handBus();
    const one = runtime(':memory:', bus);
    await one.rt.start();
    await one.rt.service.createSubscription('', SUBSCRIPTION, CORE_JSON_LD_CONTEXT);
    await bus.handler()(vehicleCreated(7, 50));
    await bus.handler()(vehicleCreated(7, 50));
    await bus.handler()(vehicleCreated(8, 60));
    await one.rt.idle();
    assert.deepEqual(
      one.sender.sent.map((s) => (s.notification.data[0]?.['speed'] as { value: number }).value),
      [50, 60],
    );
    await one.rt.stop();
    await one.stores.close();
  });

  it('an instance picks up subscriptions another instance created and deleted', async () => {
    const path = join(dir, 'shared.db');
    const busA = handBus();
    const busB = handBus();
    const a = runtime(path, busA);
    const b = runtime(path, busB);
    await a.rt.start();
    await b.rt.start();
    await a.rt.service.createSubscription('', SUBSCRIPTION, CORE_JSON_LD_CONTEXT);
    let seq = 100;
    while (b.sender.sent.length === 0 && seq < 300) {
      await busB.handler()(vehicleCreated(seq++, seq));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(b.sender.sent.length, 1, 'instance B notified once it saw the subscription');
    await b.rt.idle();
    const list = await a.rt.service.querySubscriptions('', { limit: 10, offset: 0 });
    await a.rt.service.deleteSubscription('', list.items[0]?.subscription.id as string);
    // Once B has refreshed, its changes notify nobody.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await busB.handler()(vehicleCreated(seq++, 1));
    await b.rt.idle();
    assert.equal(b.sender.sent.length, 1);
    for (const x of [a, b]) {
      await x.rt.stop();
      await x.stores.close();
    }
  });

  it('the app stops cleanly with notifications hanging', async () => {
    const t = await createTestApp();
    t.notifications.respond('http://127.0.0.1:9/hang', 'hang');
    await t.request(
      jsonRequest('POST', `${NGSI}/subscriptions`, {
        ...SUBSCRIPTION,
        notification: { endpoint: { uri: 'http://127.0.0.1:9/hang' } },
      }),
    );
    await t.request(
      jsonRequest('POST', `${NGSI}/entities`, {
        id: 'urn:ngsi-ld:Vehicle:9',
        type: 'Vehicle',
        speed: 1,
      }),
    );
    await t.notifications.waitFor(1);
    await t.close();
  });
});
