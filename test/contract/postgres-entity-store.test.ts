/**
 * The storage contract on PostgreSQL, in a database of its own (dropped at the end) with a
 * fresh schema per store. Unreachable server: skipped locally, a failure under CI=true.
 */
import { after, test } from 'node:test';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { describeEntityStoreContract } from './entity-store.contract.js';

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('EntityStore contract: PostgreSQL', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());
  describeEntityStoreContract('PostgreSQL', async () => {
    const schema = await database.createSchema();
    const stores = await createPostgresStores({ url: schema.url, maxConnections: 5 });
    return {
      store: stores.entityStore,
      contextStore: stores.contextStore,
      changeLog: stores.changeLog,
      subscriptionStore: stores.subscriptionStore,
      cleanup: async () => {
        await stores.close();
        await schema.drop();
      },
    };
  });
}
