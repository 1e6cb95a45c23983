/**
 * The DeviceStore contract (ingest/ports/device-store.port.ts), run unchanged against every
 * adapter: groups and devices per tenant and service path, the unique keys (AlreadyExists,
 * all or nothing), the transports' lookups across tenants, and the version counter.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Device, ServiceGroup } from '../../src/ingest/devices/device.model.js';
import type { DeviceStore } from '../../src/ingest/ports/device-store.port.js';
import { isProblemDetails } from '../../src/ngsi-ld/problem-details.js';

export interface DeviceStoreUnderTest {
  store: DeviceStore;
  cleanup(): Promise<void>;
}

export type MakeDeviceStore = () => Promise<DeviceStoreUnderTest>;

const AT = '2026-03-01T10:00:00.000Z';
const ALL = { limit: 100, offset: 0 };

function group(extra: Partial<ServiceGroup> = {}): ServiceGroup {
  return {
    tenant: 'city',
    servicePath: '/',
    apikey: 'k1',
    resource: '/iot/json',
    entity_type: 'Thing',
    attributes: [{ object_id: 't', name: 'temperature', type: 'Number', unitCode: 'CEL' }],
    createdAt: AT,
    modifiedAt: AT,
    ...extra,
  };
}

function device(id: string, extra: Partial<Device> = {}): Device {
  return {
    tenant: 'city',
    servicePath: '/',
    device_id: id,
    entity_name: `urn:ngsi-ld:Thing:${id}`,
    entity_type: 'Thing',
    apikey: 'k1',
    createdAt: AT,
    modifiedAt: AT,
    ...extra,
  };
}

async function assertAlreadyExists(promise: Promise<unknown>, detail: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isProblemDetails(error), `expected ProblemDetails, got ${String(error)}`);
    assert.equal(error.status, 409);
    assert.match(error.type, /AlreadyExists$/);
    assert.match(error.detail, detail);
    return true;
  });
}

export function describeDeviceStoreContract(name: string, make: MakeDeviceStore): void {
  describe(`DeviceStore contract: ${name}`, () => {
    let sut: DeviceStoreUnderTest;
    let store: DeviceStore;
    beforeEach(async () => {
      sut = await make();
      store = sut.store;
    });
    afterEach(() => sut.cleanup());

    describe('service groups', () => {
      it('createGroups stores groups that listGroups returns per tenant in creation order', async () => {
        const a = group();
        const b = group({ apikey: 'k2', resource: '/iot/d', servicePath: '/north' });
        const other = group({ tenant: 'other', apikey: 'k9' });
        await store.createGroups([a, b, other]);
        assert.deepEqual(await store.listGroups('city', undefined, ALL), {
          groups: [a, b],
          count: 2,
        });
        assert.deepEqual(await store.listGroups('city', '/', ALL), { groups: [a], count: 1 });
        assert.deepEqual(await store.listGroups('other', undefined, ALL), {
          groups: [other],
          count: 1,
        });
        assert.deepEqual(await store.listGroups('nobody', undefined, ALL), {
          groups: [],
          count: 0,
        });
      });

      it('listGroups pages and filters by apikey and resource', async () => {
        const groups = [
          group(),
          group({ resource: '/iot/d' }),
          group({ apikey: 'k2' }),
          group({ apikey: 'k3' }),
        ];
        await store.createGroups(groups);
        assert.deepEqual(await store.listGroups('city', '/', { limit: 2, offset: 1 }), {
          groups: groups.slice(1, 3),
          count: 4,
        });
        assert.deepEqual(await store.listGroups('city', '/', { limit: 0, offset: 0 }), {
          groups: [],
          count: 4,
        });
        assert.deepEqual(await store.listGroups('city', '/', ALL, { apikey: 'k1' }), {
          groups: groups.slice(0, 2),
          count: 2,
        });
        assert.deepEqual(
          await store.listGroups('city', '/', ALL, { apikey: 'k1', resource: '/iot/d' }),
          { groups: [groups[1]], count: 1 },
        );
      });

      it('a group key taken twice is AlreadyExists and the whole call writes nothing', async () => {
        await store.createGroups([group()]);
        const version = await store.version();
        await assertAlreadyExists(
          store.createGroups([group({ apikey: 'fresh' }), group()]),
          /apikey 'k1' resource '\/iot\/json' already exists/,
        );
        assert.equal((await store.listGroups('city', undefined, ALL)).count, 1);
        assert.equal(await store.version(), version);
        // The same apikey and resource in another service path is another group.
        await store.createGroups([group({ servicePath: '/south' })]);
      });

      it('an apikey is refused to tenants sorting before and after its own', async () => {
        await store.createGroups([group({ tenant: 'm', apikey: 'km' })]);
        await store.createDevices([device('dm', { tenant: 'm', apikey: 'kd' })]);
        for (const tenant of ['a', 'z'])
          for (const apikey of ['km', 'kd']) {
            await assertAlreadyExists(
              store.createGroups([group({ tenant, apikey })]),
              new RegExp(`apikey '${apikey}' is already used by another tenant`),
            );
            await assertAlreadyExists(
              store.createDevices([device('dx', { tenant, apikey })]),
              new RegExp(`apikey '${apikey}' is already used by another tenant`),
            );
          }
      });

      it('an apikey belongs to one tenant: another tenant’s group or device cannot take it', async () => {
        await store.createGroups([group()]);
        await store.createDevices([device('solo', { apikey: 'k5' })]);
        const version = await store.version();
        for (const attempt of [
          () =>
            store.createGroups([
              group({ tenant: 'other', apikey: 'fresh' }),
              group({ tenant: 'other' }),
            ]),
          () => store.createGroups([group({ tenant: 'other', apikey: 'k5', resource: '/iot/d' })]),
          () => store.createDevices([device('d9', { tenant: 'other', apikey: 'k1' })]),
          () => store.createDevices([device('d9', { tenant: 'other', apikey: 'k5' })]),
        ]) {
          await assertAlreadyExists(
            attempt(),
            /apikey '(k1|k5)' is already used by another tenant/,
          );
        }
        await store.createDevices([device('d9', { tenant: 'other', apikey: 'k8' })]);
        const moved = device('d9', { tenant: 'other', apikey: 'k1' });
        await assertAlreadyExists(store.updateDevice(moved), /another tenant/);
        const key = { tenant: 'other', servicePath: '/', apikey: 'k8', resource: '/iot/json' };
        await store.createGroups([group({ tenant: 'other', apikey: 'k8' })]);
        await assertAlreadyExists(
          store.updateGroup(key, group({ tenant: 'other', apikey: 'k1' })),
          /another tenant/,
        );
        assert.equal((await store.listGroups('other', undefined, ALL)).count, 1);
        assert.equal((await store.getDevice('other', '/', 'd9'))?.apikey, 'k8');
        assert.equal(await store.version(), version + 2);
        // Once the tenant no longer uses it, the apikey is free again.
        await store.deleteGroup({ ...key, tenant: 'city', apikey: 'k1' });
        await store.createGroups([group({ tenant: 'other' })]);
      });

      it('updateGroup replaces the group of a key; false when there is none', async () => {
        await store.createGroups([group(), group({ tenant: 'other', apikey: 'k9' })]);
        const key = { tenant: 'city', servicePath: '/', apikey: 'k1', resource: '/iot/json' };
        const changed = group({ entity_type: 'Sensor', stalePeriod: 60, modifiedAt: AT });
        assert.equal(await store.updateGroup(key, changed), true);
        assert.deepEqual((await store.listGroups('city', '/', ALL)).groups, [changed]);
        assert.equal((await store.listGroups('other', '/', ALL)).groups[0]?.entity_type, 'Thing');
        assert.equal(await store.updateGroup({ ...key, apikey: 'none' }, changed), false);
      });

      it('deleteGroup removes one group of one tenant', async () => {
        await store.createGroups([group(), group({ servicePath: '/north' })]);
        const key = { tenant: 'city', servicePath: '/', apikey: 'k1', resource: '/iot/json' };
        assert.equal(await store.deleteGroup(key), true);
        assert.equal(await store.deleteGroup(key), false);
        assert.equal((await store.listGroups('city', '/', ALL)).count, 0);
        assert.equal((await store.listGroups('city', '/north', ALL)).count, 1);
      });

      it('findGroupByApikey returns the first group of an apikey, in any tenant', async () => {
        const first = group({ tenant: 'other' });
        await store.createGroups([first, group({ tenant: 'other', servicePath: '/north' })]);
        assert.deepEqual(await store.findGroupByApikey('k1'), first);
        assert.equal(await store.findGroupByApikey('unknown'), undefined);
      });
    });

    describe('devices', () => {
      it('createDevices stores devices that list and get return, tenant by tenant', async () => {
        const full = device('d1', {
          devEui: '0004A30B001C0530',
          passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
          protocol: 'IoTA-JSON',
          transport: 'MQTT',
          attributes: [
            { object_id: 't', name: 'temperature', type: 'Number', expression: { multiply: 0.1 } },
          ],
          static_attributes: [{ name: 'name', type: 'Text', value: 'Ça marche — 東京' }],
          commands: [{ name: 'switch', type: 'command' }],
          explicitAttrs: true,
          stalePeriod: 600,
          ldContext: 'https://contexts.example.org/city.jsonld',
        });
        const second = device('d2', { servicePath: '/north', apikey: 'k2' });
        const foreign = device('d1', { tenant: 'other', apikey: 'k9' });
        await store.createDevices([full, second, foreign]);
        assert.deepEqual(await store.listDevices('city', undefined, ALL), {
          devices: [full, second],
          count: 2,
        });
        assert.deepEqual(await store.listDevices('city', '/north', ALL), {
          devices: [second],
          count: 1,
        });
        assert.deepEqual(await store.listDevices('city', undefined, { limit: 1, offset: 1 }), {
          devices: [second],
          count: 2,
        });
        assert.deepEqual(await store.getDevice('city', '/', 'd1'), full);
        assert.deepEqual(await store.getDevice('other', '/', 'd1'), foreign);
        assert.deepEqual(await store.getDevice('city', undefined, 'd2'), second);
        assert.equal(await store.getDevice('city', '/', 'd2'), undefined);
        assert.equal(await store.getDevice('nobody', undefined, 'd1'), undefined);
      });

      it('a device id taken twice in one tenant is AlreadyExists, whatever the path; the call writes nothing', async () => {
        await store.createDevices([device('d1')]);
        const version = await store.version();
        await assertAlreadyExists(
          store.createDevices([device('d0', { apikey: 'k2' }), device('d1', { apikey: 'k2' })]),
          /Device d1 already exists/,
        );
        // The id names the tenant's Device entity: another service path cannot reuse it.
        await assertAlreadyExists(
          store.createDevices([device('d1', { servicePath: '/north', apikey: 'k2' })]),
          /Device d1 already exists in this tenant/,
        );
        assert.equal((await store.listDevices('city', undefined, ALL)).count, 1);
        assert.equal(await store.version(), version);
        await store.createDevices([device('d1', { tenant: 'other', apikey: 'k2' })]);
      });

      it('apikey and device id are unique', async () => {
        await store.createDevices([device('d1')]);
        await assertAlreadyExists(
          store.createDevices([device('d1', { servicePath: '/north' })]),
          /Device d1 already exists|d1 with apikey 'k1' is already provisioned/,
        );
        await assertAlreadyExists(
          store.createDevices([device('d1', { tenant: 'other' })]),
          /apikey 'k1'/,
        );
        assert.equal((await store.listDevices('other', undefined, ALL)).count, 0);
      });

      it('a devEui is unique across tenants', async () => {
        await store.createDevices([device('d1', { devEui: '0004A30B001C0530' })]);
        await assertAlreadyExists(
          store.createDevices([
            device('d2', { tenant: 'other', apikey: 'k2', devEui: '0004A30B001C0530' }),
          ]),
          /devEui 0004A30B001C0530 is already provisioned/,
        );
        await store.createDevices([device('d3'), device('d4')]);
      });

      it('updateDevice replaces a device; a taken devEui is AlreadyExists and changes nothing', async () => {
        await store.createDevices([device('d1'), device('d2', { devEui: 'AAAAAAAAAAAAAAAA' })]);
        const changed = device('d1', { apikey: 'k7', stalePeriod: 30, devEui: 'BBBBBBBBBBBBBBBB' });
        assert.equal(await store.updateDevice(changed), true);
        assert.deepEqual(await store.getDevice('city', '/', 'd1'), changed);
        assert.deepEqual(await store.findDeviceByApikey('k7', 'd1'), changed);
        assert.equal(await store.findDeviceByApikey('k1', 'd1'), undefined);
        assert.deepEqual(await store.findDeviceByDevEui('BBBBBBBBBBBBBBBB'), changed);
        const version = await store.version();
        await assertAlreadyExists(
          store.updateDevice({ ...changed, devEui: 'AAAAAAAAAAAAAAAA' }),
          /devEui AAAAAAAAAAAAAAAA/,
        );
        assert.deepEqual(await store.getDevice('city', '/', 'd1'), changed);
        assert.equal(await store.version(), version);
        assert.equal(await store.updateDevice(device('missing')), false);
      });

      it('deleteDevice removes the device of one tenant and path', async () => {
        await store.createDevices([device('d1'), device('d1', { tenant: 'other', apikey: 'k2' })]);
        assert.equal(await store.deleteDevice('city', '/north', 'd1'), false);
        assert.equal(await store.deleteDevice('city', '/', 'd1'), true);
        assert.equal(await store.deleteDevice('city', '/', 'd1'), false);
        assert.equal(await store.getDevice('city', '/', 'd1'), undefined);
        assert.ok(await store.getDevice('other', '/', 'd1'));
      });

      it('the transports find devices by apikey and id, by devEui and by entity', async () => {
        const a = device('d1', { devEui: '0004A30B001C0530' });
        const b = device('d2', { entity_name: 'urn:ngsi-ld:Thing:d1' });
        const foreign = device('d3', {
          tenant: 'other',
          apikey: 'k2',
          entity_name: 'urn:ngsi-ld:Thing:d1',
        });
        await store.createDevices([a, b, foreign]);
        assert.deepEqual(await store.findDeviceByApikey('k2', 'd3'), foreign);
        assert.equal(await store.findDeviceByApikey('k2', 'd1'), undefined);
        assert.deepEqual(await store.findDeviceByDevEui('0004A30B001C0530'), a);
        assert.equal(await store.findDeviceByDevEui('0004A30B001C0531'), undefined);
        assert.deepEqual(await store.findDevicesByEntity('city', 'urn:ngsi-ld:Thing:d1'), [a, b]);
        assert.deepEqual(await store.findDevicesByEntity('other', 'urn:ngsi-ld:Thing:d1'), [
          foreign,
        ]);
        assert.deepEqual(await store.findDevicesByEntity('city', 'urn:ngsi-ld:Thing:none'), []);
      });

      it('listAllGroups and listAllDevices span every tenant', async () => {
        const groups = [group(), group({ tenant: 'other', apikey: 'k2' })];
        const devices = [device('d1'), device('d2', { tenant: 'other', apikey: 'k2' })];
        await store.createGroups(groups);
        await store.createDevices(devices);
        assert.deepEqual(await store.listAllGroups(), groups);
        assert.deepEqual(await store.listAllDevices(), devices);
      });
    });

    it('version() grows with every write that changed something, and only then', async () => {
      const v0 = await store.version();
      await store.createGroups([group()]);
      const v1 = await store.version();
      assert.ok(v1 > v0);
      await store.createDevices([device('d1')]);
      const v2 = await store.version();
      assert.ok(v2 > v1);
      await store.updateDevice(device('d1', { stalePeriod: 5 }));
      const v3 = await store.version();
      assert.ok(v3 > v2);
      await store.listDevices('city', undefined, ALL);
      await store.deleteDevice('city', '/', 'absent');
      await store.deleteGroup({ tenant: 'x', servicePath: '/', apikey: 'x', resource: '/x' });
      assert.equal(await store.version(), v3);
      await store.deleteDevice('city', '/', 'd1');
      assert.ok((await store.version()) > v3);
    });

    it('concurrent writes of one apikey in two tenants: one wins, the other is AlreadyExists', async () => {
      const outcomes = await Promise.allSettled([
        store.createGroups([group({ tenant: 'a', apikey: 'shared' })]),
        store.createDevices([device('x', { tenant: 'b', apikey: 'shared' })]),
        store.createGroups([group({ tenant: 'c', apikey: 'shared' })]),
      ]);
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      const tenants = new Set([
        ...(await store.listAllGroups()).map((g) => g.tenant),
        ...(await store.listAllDevices()).map((d) => d.tenant),
      ]);
      assert.equal(tenants.size, 1);
    });

    it('concurrent creations of one device id in two paths of a tenant: one wins', async () => {
      const outcomes = await Promise.allSettled([
        store.createDevices([device('same', { apikey: 'k1' })]),
        store.createDevices([device('same', { apikey: 'k2', servicePath: '/north' })]),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      assert.equal((await store.listDevices('city', undefined, ALL)).count, 1);
    });
  });
}
