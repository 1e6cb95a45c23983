/** The history store contract on SQLite, in memory. */
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqlite-database.js';
import { createSqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js';
import { createSqliteHistoryWriter } from '../../src/adapters/sqlite/sqlite-history-writer.js';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { describeHistoryFeedContract } from './history-store-feed.contract.js';
import { describeHistoryStoreContract } from './history-store.contract.js';

describeHistoryStoreContract('SQLite', async () => {
  const db = openSqliteDatabase(':memory:');
  const writer = createSqliteHistoryWriter(db);
  return {
    store: createSqliteHistoryStore(db, writer),
    feed: async (changes) => db.transaction(() => writer.append(changes)).immediate(),
    cleanup: async () => void db.close(),
  };
});

describeHistoryFeedContract('SQLite', async () => {
  const stores = createSqliteStores({ path: ':memory:' });
  return { ...stores, cleanup: stores.close };
});
