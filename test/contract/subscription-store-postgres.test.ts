/**
 * The SubscriptionStore contract on PostgreSQL, a fresh schema per test. Unreachable
 * server: skipped locally, a failure under CI=true.
 */
import { after, test } from 'node:test';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { describeSubscriptionStoreContract } from './subscription-store.contract.js';

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('SubscriptionStore contract: PostgreSQL', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());
  describeSubscriptionStoreContract('PostgreSQL', async () => {
    const schema = await database.createSchema();
    const stores = await createPostgresStores({ url: schema.url, maxConnections: 3 });
    return {
      store: stores.subscriptionStore,
      entityStore: stores.entityStore,
      cleanup: async () => {
        await stores.close();
        await schema.drop();
      },
    };
  });
}
