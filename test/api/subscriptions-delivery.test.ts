/**
 * Delivery follows the subscription as it is now, on SQLite and PostgreSQL: outcomes are
 * written even for a subscription stored with fractional or huge endpoint times (before they
 * were refused), a retry goes to the endpoint a PATCH set, and a paused subscription's
 * pending retries are dropped.
 */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import type {
  DeliveryOutcome,
  NotificationSender,
} from '../../src/context/ports/notification-sender.port.js';
import type { SubscriptionStore } from '../../src/context/ports/subscription-store.port.js';
import type { EntityStore } from '../../src/context/ports/entity-store.port.js';
import {
  createSubscriptionRuntime,
  notificationSettings,
} from '../../src/context/subscriptions/subscription-runtime.js';
import { CORE_JSON_LD_CONTEXT } from '../../src/ngsi-ld/context/json-ld-context-impl.js';
import { parseSubscription } from '../../src/ngsi-ld/subscription/subscription-parser.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { handBus, vehicleCreated } from '../support/change-fixtures.js';
import { createRecordingNotificationSender } from '../support/recording-notification-sender.js';

const A = 'http://127.0.0.1:9/a';
const B = 'http://127.0.0.1:9/b';

interface Stores {
  store: SubscriptionStore;
  entityStore: EntityStore;
  close(): Promise<void>;
}

function subscriptionBody(uri: string, endpoint: Record<string, unknown> = {}) {
  return {
    id: 'urn:ngsi-ld:Subscription:d',
    type: 'Subscription',
    entities: [{ type: 'Vehicle' }],
    notification: { endpoint: { uri, ...endpoint } },
  };
}

async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function describeDelivery(name: string, open: () => Promise<Stores>) {
  async function start(sender: NotificationSender) {
    const stores = await open();
    const bus = handBus();
    const rt = createSubscriptionRuntime({
      store: stores.store,
      entityStore: stores.entityStore,
      contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
      changeBus: bus,
      senders: [sender],
      clock: () => new Date(),
      log: createLogger('silent'),
      settings: notificationSettings(
        { timeoutMs: 1_000, maxAttempts: 3, concurrencyPerEndpoint: 2, retryBaseMs: 10 },
        { pollIntervalMs: 20 },
      ),
    });
    return {
      rt,
      bus,
      stores,
      async stop() {
        await rt.stop();
        await stores.close();
      },
    };
  }

  describe(`Delivery follows the current subscription (${name})`, () => {
    it('outcomes of a subscription stored with a fractional cooldown and a huge timeout are written', async () => {
      const answers: DeliveryOutcome[] = [{ ok: false, reason: 'busy', retryable: true }];
      const sends: number[] = [];
      // Answers after a little while: a timeout that overflowed a timer would cut it short.
      const slow: NotificationSender = {
        schemes: ['http'],
        async send() {
          sends.push(Date.now());
          await new Promise((resolve) => setTimeout(resolve, 20));
          return answers.shift() ?? { ok: true };
        },
        async close() {},
      };
      const app = await start(slow);
      // As stored before endpoint times had to be whole milliseconds up to a day.
      const stored = parseSubscription(subscriptionBody(A), {
        context: CORE_JSON_LD_CONTEXT,
        now: new Date(),
        schemes: ['http'],
        newId: () => 'unused',
      });
      stored.notification.endpoint.cooldown = 20.5;
      stored.notification.endpoint.timeout = 3e9;
      await app.stores.store.createSubscription('', stored);
      await app.rt.start();
      await app.bus.handler()(vehicleCreated(1, 1));
      await until(async () => sends.length >= 2, 'the retry');
      await app.rt.idle();
      const got = await app.stores.store.getSubscription('', stored.id);
      assert.deepEqual(
        [got?.delivery.timesSent, got?.delivery.timesFailed, got?.delivery.status],
        [2, 1, 'ok'],
      );
      await app.stop();
    });

    it('a retry goes to the endpoint a PATCH set meanwhile', async () => {
      const sender = createRecordingNotificationSender(['http']);
      sender.respond(A, { ok: false, reason: 'busy', retryable: true });
      const app = await start(sender);
      await app.rt.start();
      await app.rt.service.createSubscription(
        '',
        subscriptionBody(A, { cooldown: 300 }),
        CORE_JSON_LD_CONTEXT,
      );
      await app.bus.handler()(vehicleCreated(2, 2));
      await sender.waitFor(1, A);
      await app.rt.service.updateSubscription(
        '',
        'urn:ngsi-ld:Subscription:d',
        { notification: { endpoint: { uri: B } } },
        CORE_JSON_LD_CONTEXT,
      );
      const [retry] = await sender.waitFor(1, B);
      assert.equal(retry?.notification.data[0]?.['id'], 'urn:ngsi-ld:Vehicle:1');
      await app.rt.idle();
      assert.equal(sender.to(A).length, 1);
      await app.stop();
    });

    it('the pending retries of a subscription paused meanwhile are dropped', async () => {
      const sender = createRecordingNotificationSender(['http']);
      sender.respond(A, { ok: false, reason: 'busy', retryable: true });
      const app = await start(sender);
      await app.rt.start();
      await app.rt.service.createSubscription(
        '',
        subscriptionBody(A, { cooldown: 200 }),
        CORE_JSON_LD_CONTEXT,
      );
      await app.bus.handler()(vehicleCreated(3, 3));
      await sender.waitFor(1, A);
      await app.rt.service.updateSubscription(
        '',
        'urn:ngsi-ld:Subscription:d',
        { isActive: false },
        CORE_JSON_LD_CONTEXT,
      );
      // The row is settled unsent once its retry falls due.
      await until(
        async () => (await app.stores.store.purgeSettled(Date.now() + 60_000, 10)) > 0,
        'the dropped row',
      );
      await app.rt.idle();
      assert.equal(sender.to(A).length, 1);
      const got = await app.stores.store.getSubscription('', 'urn:ngsi-ld:Subscription:d');
      assert.equal(got?.delivery.timesSent, 1);
      await app.stop();
    });
  });
}

describeDelivery('SQLite', async () => {
  const stores = createSqliteStores({ path: ':memory:' });
  return {
    store: stores.subscriptionStore,
    entityStore: stores.entityStore,
    close: () => stores.close(),
  };
});

const opened = await openPostgresTestDatabase();
if (!opened.available) {
  test('Delivery follows the current subscription (PostgreSQL)', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());
  describeDelivery('PostgreSQL', async () => {
    const schema = await database.createSchema();
    const stores = await createPostgresStores({ url: schema.url, maxConnections: 3 });
    return {
      store: stores.subscriptionStore,
      entityStore: stores.entityStore,
      async close() {
        await stores.close();
        await schema.drop();
      },
    };
  });
}
