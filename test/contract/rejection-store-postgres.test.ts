/**
 * The RejectionStore contract on PostgreSQL, a fresh schema per test. Unreachable server:
 * skipped locally, a failure under CI=true.
 */
import { after, test } from 'node:test';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { describeRejectionStoreContract } from './rejection-store.contract.js';

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('RejectionStore contract: PostgreSQL', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());
  describeRejectionStoreContract('PostgreSQL', async (capacity) => {
    const schema = await database.createSchema();
    const stores = await createPostgresStores({
      url: schema.url,
      maxConnections: 2,
      rejectionCapacity: capacity,
    });
    return {
      store: stores.rejectionStore,
      cleanup: async () => {
        await stores.close();
        await schema.drop();
      },
    };
  });
}
