/**
 * Updates of one subscription that race each other: each PATCH is stored on top of the
 * other, never over it (compare and set on the subscription's version).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSqliteStores, type SqliteStores } from '../../adapters/sqlite/sqlite-stores.js';
import { CORE_JSON_LD_CONTEXT } from '../../ngsi-ld/context/json-ld-context-impl.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { SubscriptionStore } from '../ports/subscription-store.port.js';
import { createSubscriptionRegistry } from './subscription-registry.js';
import { createSubscriptionService } from './subscription.service.js';

/** A store whose next `readers` reads of a subscription all wait until the last of them arrives. */
function storeReadingTogether(store: SubscriptionStore, readers: number): SubscriptionStore {
  let waiting: Array<() => void> = [];
  return Object.assign(Object.create(store) as SubscriptionStore, {
    async getSubscription(tenant: string, id: string) {
      const read = await store.getSubscription(tenant, id);
      if (readers > 0) {
        readers -= 1;
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (readers === 0) {
            for (const release of waiting) release();
            waiting = [];
          }
        });
      }
      return read;
    },
  });
}

describe('SubscriptionService.updateSubscription under concurrent updates', () => {
  let stores: SqliteStores;
  before(async () => {
    stores = await createSqliteStores({ path: ':memory:' });
  });
  after(() => stores.close());

  function serviceOver(store: SubscriptionStore) {
    const contexts = { resolve: async () => CORE_JSON_LD_CONTEXT };
    const clock = () => new Date('2026-01-01T00:00:00Z');
    const log = { warn: () => undefined };
    const registry = createSubscriptionRegistry({ store, contexts, clock, log });
    return createSubscriptionService({ store, registry, contexts, clock, schemes: ['http'] });
  }

  async function created(id: string) {
    await serviceOver(stores.subscriptionStore).createSubscription(
      '',
      {
        id,
        type: 'Subscription',
        entities: [{ type: 'Streetlight' }],
        notification: { endpoint: { uri: 'http://127.0.0.1:9/notify' } },
      },
      CORE_JSON_LD_CONTEXT,
    );
    return id;
  }

  // Bounded: a service that read one after the other would leave the barrier waiting.
  it('two PATCHes read at one version both take effect', { timeout: 10_000 }, async () => {
    const id = await created('urn:ngsi-ld:Subscription:raced');
    const raced = serviceOver(storeReadingTogether(stores.subscriptionStore, 2));
    await Promise.all([
      raced.updateSubscription('', id, { q: 'illuminance>7' }, CORE_JSON_LD_CONTEXT),
      raced.updateSubscription('', id, { throttling: 9 }, CORE_JSON_LD_CONTEXT),
    ]);
    const stored = await serviceOver(stores.subscriptionStore).retrieveSubscription('', id);
    assert.equal(stored.subscription.q, 'illuminance>7');
    assert.equal(stored.subscription.throttling, 9);
  });

  it('a PATCH of a subscription deleted between its read and its write is 404', async () => {
    const id = await created('urn:ngsi-ld:Subscription:gone');
    const store = stores.subscriptionStore;
    const deletingAfterRead = Object.assign(Object.create(store) as SubscriptionStore, {
      async getSubscription(tenant: string, wanted: string) {
        const read = await store.getSubscription(tenant, wanted);
        await store.deleteSubscription(tenant, wanted);
        return read;
      },
    });
    await assert.rejects(
      serviceOver(deletingAfterRead).updateSubscription(
        '',
        id,
        { throttling: 1 },
        CORE_JSON_LD_CONTEXT,
      ),
      (error: unknown) => isProblemDetails(error) && error.status === 404,
    );
  });
});
