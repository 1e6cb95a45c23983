/** The DeviceStore contract on SQLite, in memory. */
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { describeDeviceStoreContract } from './device-store.contract.js';

describeDeviceStoreContract('SQLite', async () => {
  const stores = createSqliteStores({ path: ':memory:' });
  return { store: stores.deviceStore, cleanup: stores.close };
});
