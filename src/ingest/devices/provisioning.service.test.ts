import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSqliteStores } from '../../adapters/sqlite/sqlite-stores.js';
import { createEntityService, type EntityService } from '../../context/entity.service.js';
import { CORE_JSON_LD_CONTEXT } from '../../ngsi-ld/context/json-ld-context-impl.js';
import { internalError } from '../../ngsi-ld/problem-details.js';
import { createProvisioningService } from './provisioning.service.js';

const scope = { tenant: 'city', servicePath: '/' };
const clock = () => new Date('2026-01-01T00:00:00Z');

/** The real entity service, except that batchUpdate (the command attributes) fails. */
function entitiesFailingCommands(stores: ReturnType<typeof createSqliteStores>) {
  const real = createEntityService({
    store: stores.entityStore,
    clock,
    updateAppendsMissingAttributes: true,
  });
  let failing = false;
  const entities: EntityService = {
    ...real,
    batchUpdate: async (...args) => {
      if (failing) throw internalError('disk full');
      return real.batchUpdate(...args);
    },
  };
  return { real, entities, fail: () => (failing = true) };
}

function provisioningWith(
  stores: ReturnType<typeof createSqliteStores>,
  entities: EntityService,
  counter = { invalidations: 0 },
) {
  return createProvisioningService({
    store: stores.deviceStore,
    entities,
    contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
    directory: { invalidate: () => (counter.invalidations += 1) },
    clock,
  });
}

describe('createProvisioningService', () => {
  it('removes the devices again when their entities cannot be written (all or nothing)', async () => {
    const stores = createSqliteStores({ path: ':memory:' });
    const counter = { invalidations: 0 };
    const entities = {
      batchUpsert: async (_tenant: string, items: Array<{ id: string }>) => ({
        success: items.slice(1).map((i) => i.id),
        errors: [{ entityId: items[0]?.id ?? '', error: internalError('disk full') }],
        created: [],
      }),
    } as unknown as EntityService;
    const provisioning = provisioningWith(stores, entities, counter);
    await assert.rejects(
      provisioning.createDevices(scope, [
        { device_id: 'a', apikey: 'k', entity_type: 'Thing' },
        { device_id: 'b', apikey: 'k', entity_type: 'Thing' },
      ]),
      /disk full/,
    );
    assert.deepEqual(await stores.deviceStore.listAllDevices(), []);
    assert.equal(counter.invalidations, 2, 'told once for the write and once for the removal');
    await stores.close();
  });

  it('deletes the entities a failed provisioning created (no Device entity without device)', async () => {
    const stores = createSqliteStores({ path: ':memory:' });
    const { real, entities, fail } = entitiesFailingCommands(stores);
    const provisioning = provisioningWith(stores, entities);
    fail();
    await assert.rejects(
      provisioning.createDevices(scope, [
        {
          device_id: 'lamp',
          apikey: 'k',
          entity_type: 'Lamp',
          commands: [{ name: 'switch', type: 'command' }],
        },
      ]),
      /disk full/,
    );
    assert.deepEqual(await stores.deviceStore.listAllDevices(), []);
    const page = await real.queryEntities('city', { limit: 10, offset: 0, count: true });
    assert.deepEqual(
      page.entities.map((e) => e.id),
      [],
      'the Device and measurement entities were deleted again',
    );
    await stores.close();
  });

  it('restores the previous device when an update’s entities cannot be written', async () => {
    const stores = createSqliteStores({ path: ':memory:' });
    const { entities, fail } = entitiesFailingCommands(stores);
    const provisioning = provisioningWith(stores, entities);
    await provisioning.createDevices(scope, [
      { device_id: 'lamp', apikey: 'k', entity_type: 'Lamp', stalePeriod: 60 },
    ]);
    const before = await provisioning.getDevice('city', '/', 'lamp');
    fail();
    await assert.rejects(
      provisioning.updateDevice(
        before,
        {
          device_id: 'lamp',
          apikey: 'k2',
          entity_type: 'Lamp',
          commands: [{ name: 'switch', type: 'command' }],
        },
        { keepPassword: false },
      ),
      /disk full/,
    );
    assert.deepEqual(await provisioning.getDevice('city', '/', 'lamp'), before);
    assert.equal(await stores.deviceStore.findDeviceByApikey('k2', 'lamp'), undefined);
    await stores.close();
  });
});
