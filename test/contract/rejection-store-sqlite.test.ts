/** The RejectionStore contract on SQLite (in memory) and on the in-memory fallback. */
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { createInMemoryRejectionStore } from '../../src/ingest/pipeline/in-memory-rejection.store.js';
import { describeRejectionStoreContract } from './rejection-store.contract.js';

describeRejectionStoreContract('SQLite', async (capacity) => {
  const stores = createSqliteStores({ path: ':memory:', rejectionCapacity: capacity });
  return { store: stores.rejectionStore, cleanup: stores.close };
});

describeRejectionStoreContract('in memory', async (capacity) => ({
  store: createInMemoryRejectionStore(capacity),
  cleanup: async () => undefined,
}));
