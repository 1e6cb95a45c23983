/**
 * The SubscriptionStore contract (context/ports/subscription-store.port.ts), run unchanged
 * against every adapter: subscriptions per tenant with versions, delivery status, and the
 * notification outbox (idempotent enqueue, leases, claims, settling, purging).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EntityStore } from '../../src/context/ports/entity-store.port.js';
import type {
  NewOutboxNotification,
  SubscriptionStore,
} from '../../src/context/ports/subscription-store.port.js';
import type { Subscription } from '../../src/ngsi-ld/subscription/subscription.js';

export interface SubscriptionStoreUnderTest {
  store: SubscriptionStore;
  /** The entity store of the same database: tenants are shared. */
  entityStore: EntityStore;
  cleanup(): Promise<void>;
}

export type MakeSubscriptionStore = () => Promise<SubscriptionStoreUnderTest>;

function subscription(id: string, extra: Partial<Subscription> = {}): Subscription {
  return {
    id,
    entities: [{ type: 'Vehicle' }],
    isActive: true,
    notification: {
      format: 'normalized',
      showChanges: false,
      sysAttrs: false,
      endpoint: { uri: 'http://127.0.0.1:9/n', accept: 'application/json' },
    },
    terms: { entities: { Vehicle: 'https://example.org/Vehicle', 'with\u0000nul': 'x' } },
    context: [
      'https://example.org/ctx.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld',
    ],
    createdAt: '2026-01-01T00:00:00.000Z',
    modifiedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

function notification(
  subscriptionId: string,
  eventKey: string,
  dueAt = 1_000,
): NewOutboxNotification {
  return {
    tenant: '',
    subscriptionId,
    eventKey,
    endpoint: { uri: 'http://127.0.0.1:9/n', accept: 'application/json' },
    message: {
      tenant: '',
      subscriptionId,
      body: JSON.stringify({ id: `urn:ngsi-ld:Notification:${eventKey}`, data: [] }),
      contentType: 'application/json',
      headers: { Link: '<x>' },
    },
    dueAt,
  };
}

export function describeSubscriptionStoreContract(name: string, make: MakeSubscriptionStore): void {
  describe(`SubscriptionStore contract: ${name}`, () => {
    let sut: SubscriptionStoreUnderTest;
    let store: SubscriptionStore;
    beforeEach(async () => {
      sut = await make();
      store = sut.store;
    });
    afterEach(() => sut.cleanup());

    it('createSubscription stores a subscription that getSubscription returns as it was', async () => {
      const s = subscription('urn:ngsi-ld:Subscription:1');
      const version = await store.createSubscription('', s);
      const stored = await store.getSubscription('', s.id);
      assert.deepEqual(stored, {
        tenant: '',
        subscription: s,
        delivery: { timesSent: 0, timesFailed: 0 },
        version,
      });
      assert.equal(await store.getSubscription('', 'urn:ngsi-ld:Subscription:none'), undefined);
    });

    it('createSubscription refuses a taken id with AlreadyExists, per tenant', async () => {
      await store.createSubscription('', subscription('urn:ngsi-ld:Subscription:1'));
      await assert.rejects(
        store.createSubscription('', subscription('urn:ngsi-ld:Subscription:1')),
        (error: { status?: number }) => error.status === 409,
      );
      await store.createSubscription('valencia', subscription('urn:ngsi-ld:Subscription:1'));
      assert.equal((await store.listSubscriptions('', { limit: 10, offset: 0 })).total, 1);
    });

    it('createSubscription creates the tenant for the entity store', async () => {
      assert.equal(await sut.entityStore.hasTenant('bilbao'), false);
      await store.createSubscription('bilbao', subscription('urn:ngsi-ld:Subscription:1'));
      assert.equal(await sut.entityStore.hasTenant('bilbao'), true);
    });

    it('listSubscriptions pages in creation order and counts all', async () => {
      for (const n of [3, 1, 2])
        await store.createSubscription('', subscription(`urn:ngsi-ld:Subscription:${n}`));
      const page = await store.listSubscriptions('', { limit: 2, offset: 1 });
      assert.deepEqual(
        page.items.map((i) => i.subscription.id),
        ['urn:ngsi-ld:Subscription:1', 'urn:ngsi-ld:Subscription:2'],
      );
      assert.equal(page.total, 3);
      assert.deepEqual((await store.listSubscriptions('', { limit: 0, offset: 0 })).items, []);
      assert.equal((await store.listSubscriptions('other', { limit: 5, offset: 0 })).total, 0);
    });

    it('updateSubscription replaces the definition, keeps delivery status, and takes a new version', async () => {
      const s = subscription('urn:ngsi-ld:Subscription:1');
      const v1 = await store.createSubscription('', s);
      await store.recordDeliveries([
        {
          tenant: '',
          id: s.id,
          sent: 2,
          failed: 1,
          lastNotification: '2026-01-01T00:00:02Z',
          status: 'failed',
          lastFailure: '2026-01-01T00:00:02Z',
          lastSuccess: '2026-01-01T00:00:01Z',
        },
      ]);
      const v2 = await store.updateSubscription('', { ...s, q: 'speed>1' }, v1);
      assert.ok(typeof v2 === 'number' && v2 > v1);
      const stored = await store.getSubscription('', s.id);
      assert.equal(stored?.subscription.q, 'speed>1');
      assert.deepEqual(stored?.delivery, {
        status: 'failed',
        timesSent: 2,
        timesFailed: 1,
        lastNotification: '2026-01-01T00:00:02Z',
        lastSuccess: '2026-01-01T00:00:01Z',
        lastFailure: '2026-01-01T00:00:02Z',
      });
      assert.equal(
        await store.updateSubscription('', subscription('urn:ngsi-ld:Subscription:none'), v1),
        'missing',
      );
    });

    it('updateSubscription stores nothing unless the stored version is the one it was read at', async () => {
      const s = subscription('urn:ngsi-ld:Subscription:cas');
      const v1 = await store.createSubscription('', s);
      const v2 = await store.updateSubscription('', { ...s, q: 'speed>1' }, v1);
      assert.equal(typeof v2, 'number');
      // A second update read at v1 lost the race: refused, and the first one stays.
      assert.equal(await store.updateSubscription('', { ...s, q: 'speed>2' }, v1), 'changed');
      const stored = await store.getSubscription('', s.id);
      assert.equal(stored?.subscription.q, 'speed>1');
      assert.equal(stored?.version, v2);
      assert.equal(await store.subscriptionCounter(), v2, 'a refused update takes no version');
    });

    it('recordDeliveries adds counts and keeps the latest times', async () => {
      const s = subscription('urn:ngsi-ld:Subscription:1');
      await store.createSubscription('', s);
      await store.recordDeliveries([
        {
          tenant: '',
          id: s.id,
          sent: 1,
          failed: 0,
          lastNotification: '2026-01-01T00:00:05Z',
          status: 'ok',
          lastSuccess: '2026-01-01T00:00:05Z',
        },
        {
          tenant: '',
          id: 'urn:ngsi-ld:Subscription:unknown',
          sent: 1,
          failed: 1,
          lastNotification: '2026-01-01T00:00:05Z',
          status: 'failed',
        },
      ]);
      await store.recordDeliveries([
        {
          tenant: '',
          id: s.id,
          sent: 3,
          failed: 0,
          lastNotification: '2026-01-01T00:00:09Z',
          status: 'ok',
          lastSuccess: '2026-01-01T00:00:09Z',
        },
      ]);
      const delivery = (await store.getSubscription('', s.id))?.delivery;
      assert.equal(delivery?.timesSent, 4);
      assert.equal(delivery?.lastSuccess, '2026-01-01T00:00:09Z');
      assert.equal(delivery?.status, 'ok');
    });

    it('the counter, versions and subscriptionsSince tell what changed', async () => {
      const start = await store.subscriptionCounter();
      await store.createSubscription('', subscription('urn:ngsi-ld:Subscription:1'));
      const afterFirst = await store.subscriptionCounter();
      await store.createSubscription('t2', subscription('urn:ngsi-ld:Subscription:2'));
      assert.ok(afterFirst > start);
      assert.deepEqual(
        (await store.subscriptionsSince(afterFirst)).map((s) => [s.tenant, s.subscription.id]),
        [['t2', 'urn:ngsi-ld:Subscription:2']],
      );
      assert.equal(await store.deleteSubscription('', 'urn:ngsi-ld:Subscription:1'), true);
      assert.equal(await store.deleteSubscription('', 'urn:ngsi-ld:Subscription:1'), false);
      assert.ok((await store.subscriptionCounter()) > afterFirst + 1);
      assert.deepEqual(
        (await store.subscriptionVersions()).map((v) => v.id),
        ['urn:ngsi-ld:Subscription:2'],
      );
    });

    it('enqueueNotifications adds each event once per subscription', async () => {
      const lease = { owner: 'a', until: 5_000 };
      const first = await store.enqueueNotifications(
        [
          notification('urn:s:1', 'c1'),
          notification('urn:s:1', 'c2'),
          notification('urn:s:2', 'c1'),
        ],
        lease,
      );
      assert.equal(first.length, 3);
      assert.deepEqual(first[0]?.message.headers, { Link: '<x>' });
      assert.equal(first[0]?.attempts, 0);
      const again = await store.enqueueNotifications(
        [notification('urn:s:1', 'c2'), notification('urn:s:1', 'c3')],
        lease,
      );
      assert.deepEqual(
        again.map((row) => row.eventKey),
        ['c3'],
      );
    });

    it('enqueueNotifications hands rows over early only as the rows it adds, before it resolves', async () => {
      await store.enqueueNotifications([notification('urn:s:1', 'c1')], { owner: 'a', until: 0 });
      const early: string[][] = [];
      let resolved = false;
      const added = await store
        .enqueueNotifications(
          [notification('urn:s:1', 'c1'), notification('urn:s:1', 'c2')],
          { owner: 'a', until: 0 },
          (rows) => {
            assert.equal(resolved, false);
            early.push(rows.map((row) => row.eventKey));
          },
        )
        .finally(() => (resolved = true));
      assert.deepEqual(
        added.map((row) => row.eventKey),
        ['c2'],
      );
      // A store may hand them over before its commit (PostgreSQL) or not at all (SQLite).
      assert.ok(early.length === 0 || JSON.stringify(early) === JSON.stringify([['c2']]));
    });

    it('claimNotifications takes due rows whose lease ran out, once', async () => {
      await store.enqueueNotifications([notification('urn:s:1', 'c1', 100)], {
        owner: 'a',
        until: 1_000,
      });
      await store.enqueueNotifications([notification('urn:s:1', 'c2', 5_000)], {
        owner: 'a',
        until: 0,
      });
      assert.deepEqual(await store.claimNotifications({ owner: 'b', until: 2_000 }, 500, 10), []);
      const claimed = await store.claimNotifications({ owner: 'b', until: 3_000 }, 1_500, 10);
      assert.deepEqual(
        claimed.map((row) => row.eventKey),
        ['c1'],
      );
      assert.deepEqual(await store.claimNotifications({ owner: 'c', until: 3_000 }, 2_000, 10), []);
      await store.renewLeases([claimed[0]!.key], { owner: 'b', until: 10_000 });
      assert.deepEqual(
        await store
          .claimNotifications({ owner: 'c', until: 20_000 }, 5_000, 10)
          .then((r) => r.map((x) => x.eventKey)),
        ['c2'],
      );
    });

    it('rescheduleNotifications releases a row for a later attempt', async () => {
      const [row] = await store.enqueueNotifications([notification('urn:s:1', 'c1', 100)], {
        owner: 'a',
        until: 10_000,
      });
      await store.rescheduleNotifications([{ key: row!.key, attempts: 2, dueAt: 400 }]);
      assert.deepEqual(await store.claimNotifications({ owner: 'b', until: 1_000 }, 300, 10), []);
      const [again] = await store.claimNotifications({ owner: 'b', until: 1_000 }, 400, 10);
      assert.equal(again?.attempts, 2);
    });

    it('rescheduleNotifications rounds a fractional due time up to whole milliseconds', async () => {
      const [row] = await store.enqueueNotifications([notification('urn:s:1', 'c1', 100)], {
        owner: 'a',
        until: 10_000,
      });
      await store.rescheduleNotifications([{ key: row!.key, attempts: 1, dueAt: 400.5 }]);
      assert.deepEqual(await store.claimNotifications({ owner: 'b', until: 1_000 }, 400, 10), []);
      const [again] = await store.claimNotifications({ owner: 'b', until: 1_000 }, 401, 10);
      assert.equal(again?.dueAt, 401);
    });

    it('settled rows are never claimed, still deduplicate, and are purged later', async () => {
      const [row] = await store.enqueueNotifications([notification('urn:s:1', 'c1', 100)], {
        owner: 'a',
        until: 0,
      });
      await store.settleNotifications([row!.key], 1_000);
      assert.deepEqual(await store.claimNotifications({ owner: 'b', until: 9_000 }, 5_000, 10), []);
      assert.deepEqual(
        await store.enqueueNotifications([notification('urn:s:1', 'c1')], { owner: 'a', until: 0 }),
        [],
      );
      assert.equal(await store.purgeSettled(999, 10), 0);
      assert.equal(await store.purgeSettled(1_001, 10), 1);
      assert.equal(
        (
          await store.enqueueNotifications([notification('urn:s:1', 'c1')], {
            owner: 'a',
            until: 0,
          })
        ).length,
        1,
      );
    });

    it('deleteSubscription drops its pending notifications', async () => {
      const s = subscription('urn:s:1');
      await store.createSubscription('', s);
      await store.enqueueNotifications([notification(s.id, 'c1', 100)], { owner: 'a', until: 0 });
      await store.deleteSubscription('', s.id);
      assert.deepEqual(await store.claimNotifications({ owner: 'b', until: 9_000 }, 5_000, 10), []);
    });
  });
}
