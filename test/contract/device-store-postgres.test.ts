/**
 * The DeviceStore contract on PostgreSQL, a fresh schema per test, and the cross-instance
 * serialisation of registry writes. Unreachable server: skipped locally, a failure under
 * CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import postgres from 'postgres';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { isProblemDetails } from '../../src/ngsi-ld/problem-details.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { describeDeviceStoreContract } from './device-store.contract.js';

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('DeviceStore contract: PostgreSQL', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());
  describeDeviceStoreContract('PostgreSQL', async () => {
    const schema = await database.createSchema();
    const stores = await createPostgresStores({ url: schema.url, maxConnections: 3 });
    return {
      store: stores.deviceStore,
      cleanup: async () => {
        await stores.close();
        await schema.drop();
      },
    };
  });

  describe('DeviceStore on PostgreSQL: several instances', () => {
    it('a write waits for another instance’s write and then sees its apikey', async () => {
      const schema = await database.createSchema();
      const stores = await createPostgresStores({ url: schema.url, maxConnections: 2 });
      const other = postgres(schema.url, { max: 1, onnotice: () => undefined });
      try {
        const at = '2026-03-01T10:00:00.000Z';
        let created: Promise<void> | undefined;
        // Another instance holds the registry lock while it adds a group of tenant a.
        await other.begin(async (tx) => {
          await tx.unsafe('SELECT value FROM device_registry_counter WHERE one = 1 FOR UPDATE');
          await tx.unsafe(
            `INSERT INTO device_groups (tenant, service_path, apikey, resource, doc)
             VALUES ('a', '/', 'shared', '/iot/json', '{}')`,
          );
          created = stores.deviceStore.createDevices([
            {
              tenant: 'b',
              servicePath: '/',
              device_id: 'd1',
              entity_name: 'urn:ngsi-ld:Thing:d1',
              entity_type: 'Thing',
              apikey: 'shared',
              createdAt: at,
              modifiedAt: at,
            },
          ]);
          created.catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
        });
        await assert.rejects(created ?? Promise.resolve(), (error: unknown) => {
          assert.ok(isProblemDetails(error));
          assert.equal(error.status, 409);
          assert.match(error.detail, /apikey 'shared' is already used by another tenant/);
          return true;
        });
        assert.equal((await stores.deviceStore.listDevices('b', undefined, ALL)).count, 0);
      } finally {
        await other.end();
        await stores.close();
        await schema.drop();
      }
    });
  });
}

const ALL = { limit: 10, offset: 0 };
