/** The SubscriptionStore contract on SQLite, in memory. */
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { describeSubscriptionStoreContract } from './subscription-store.contract.js';

describeSubscriptionStoreContract('SQLite', async () => {
  const stores = createSqliteStores({ path: ':memory:' });
  return {
    store: stores.subscriptionStore,
    entityStore: stores.entityStore,
    cleanup: stores.close,
  };
});
