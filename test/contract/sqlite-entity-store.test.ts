/** The storage contract on SQLite, in memory (the file and durability: sqlite-durability.test.ts). */
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { describeEntityStoreContract } from './entity-store.contract.js';

describeEntityStoreContract('SQLite', async () => {
  const stores = createSqliteStores({ path: ':memory:' });
  return {
    store: stores.entityStore,
    contextStore: stores.contextStore,
    changeLog: stores.changeLog,
    subscriptionStore: stores.subscriptionStore,
    cleanup: stores.close,
  };
});
