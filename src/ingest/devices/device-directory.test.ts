import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { DeviceStore } from '../ports/device-store.port.js';
import type { Device, ServiceGroup } from './device.model.js';
import { createDeviceDirectory, type CachedDeviceDirectory } from './device-directory.js';

const AT = '2026-01-01T00:00:00.000Z';

/** A registry in arrays that counts the lookups the directory makes. */
function fakeStore() {
  const state = {
    groups: [] as ServiceGroup[],
    devices: [] as Device[],
    version: 0,
    calls: 0,
    /** When set, lookups answer with what the registry held when they started, once it resolves. */
    gate: undefined as Promise<void> | undefined,
  };
  const lookup =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    async (...args: A): Promise<R> => {
      state.calls += 1;
      const answer = structuredClone(fn(...args));
      await state.gate;
      return answer;
    };
  const unexpected = async (): Promise<never> => {
    throw new Error('the directory must not write');
  };
  const store: DeviceStore = {
    createGroups: unexpected,
    updateGroup: unexpected,
    deleteGroup: unexpected,
    createDevices: unexpected,
    updateDevice: unexpected,
    deleteDevice: unexpected,
    listDevices: unexpected,
    getDevice: unexpected,
    listGroups: lookup((tenant, servicePath, _page, filter = {}) => {
      const groups = state.groups.filter(
        (g) =>
          g.tenant === tenant &&
          (servicePath === undefined || g.servicePath === servicePath) &&
          (filter.apikey === undefined || g.apikey === filter.apikey),
      );
      return { groups, count: groups.length };
    }),
    findDeviceByApikey: lookup((apikey, id) =>
      state.devices.find((d) => d.apikey === apikey && d.device_id === id),
    ),
    findDeviceByDevEui: lookup((devEui) => state.devices.find((d) => d.devEui === devEui)),
    findGroupByApikey: lookup((apikey) => state.groups.find((g) => g.apikey === apikey)),
    findDevicesByEntity: lookup((tenant, name) =>
      state.devices.filter((d) => d.tenant === tenant && d.entity_name === name),
    ),
    listAllGroups: lookup(() => state.groups),
    listAllDevices: lookup(() => state.devices),
    version: async () => state.version,
  };
  return { store, state };
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

const group: ServiceGroup = {
  tenant: 'city',
  servicePath: '/',
  apikey: 'k1',
  resource: '/iot/json',
  entity_type: 'Thing',
  attributes: [{ object_id: 't', name: 'temperature', type: 'Number' }],
  commands: [{ name: 'reset', type: 'command' }],
  createdAt: AT,
  modifiedAt: AT,
};

describe('createDeviceDirectory', () => {
  let now: number;
  let fake: ReturnType<typeof fakeStore>;
  let directory: CachedDeviceDirectory;
  beforeEach(() => {
    now = 0;
    fake = fakeStore();
    fake.state.groups.push(group);
    fake.state.devices.push(
      device('d1', { devEui: '0004A30B001C0530' }),
      device('d2', { stalePeriod: 60, commands: [] }),
    );
    directory = createDeviceDirectory({ store: fake.store, clock: () => new Date(now) });
  });

  it('findByApikey folds the group in and caches answers, misses included', async () => {
    const found = await directory.findByApikey('k1', 'd1');
    assert.equal(found?.device.device_id, 'd1');
    assert.equal(found?.group?.resource, '/iot/json');
    assert.deepEqual(
      found?.attributes.map((a) => a.name),
      ['temperature'],
    );
    assert.equal(await directory.findByApikey('k1', 'nobody'), undefined);
    const calls = fake.state.calls;
    await directory.findByApikey('k1', 'd1');
    await directory.findByApikey('k1', 'nobody');
    assert.equal(fake.state.calls, calls);
  });

  it('findByDevEui accepts any case', async () => {
    assert.equal((await directory.findByDevEui('0004a30b001c0530'))?.device.device_id, 'd1');
    assert.equal(await directory.findByDevEui('FFFFFFFFFFFFFFFF'), undefined);
  });

  it('sees another instance’s provisioning once the version changes, checked at most every second', async () => {
    assert.equal(await directory.findByApikey('k1', 'd3'), undefined);
    fake.state.devices.push(device('d3'));
    fake.state.version += 1;
    now = 500;
    assert.equal(await directory.findByApikey('k1', 'd3'), undefined, 'still cached within 1 s');
    now = 1000;
    assert.equal((await directory.findByApikey('k1', 'd3'))?.device.device_id, 'd3');
  });

  it('invalidate() drops the cache at once (a write through this instance)', async () => {
    assert.equal(await directory.findByApikey('k1', 'd3'), undefined);
    fake.state.devices.push(device('d3'));
    fake.state.version += 1;
    directory.invalidate();
    assert.equal((await directory.findByApikey('k1', 'd3'))?.device.device_id, 'd3');
  });

  it('an answer loaded before invalidate() is not kept', async () => {
    await directory.findByApikey('k1', 'd1');
    let open = () => {};
    fake.state.gate = new Promise((resolve) => (open = resolve));
    const pending = directory.findByApikey('k1', 'd3');
    await new Promise((resolve) => setImmediate(resolve));
    fake.state.devices.push(device('d3'));
    fake.state.version += 1;
    directory.invalidate();
    open();
    fake.state.gate = undefined;
    assert.equal(await pending, undefined, 'the lookup started before the write');
    assert.equal((await directory.findByApikey('k1', 'd3'))?.device.device_id, 'd3');
  });

  it('findCommandDevice finds the device with commands among those feeding an entity, none for others', async () => {
    fake.state.groups = [];
    fake.state.devices = [
      device('plain', { entity_name: 'urn:ngsi-ld:Lamp:1' }),
      device('actuator', {
        apikey: 'k2',
        entity_name: 'urn:ngsi-ld:Lamp:1',
        commands: [{ name: 'switch', type: 'command' }],
      }),
    ];
    assert.equal(
      (await directory.findCommandDevice('city', 'urn:ngsi-ld:Lamp:1'))?.device.device_id,
      'actuator',
    );
    assert.equal(await directory.findCommandDevice('other', 'urn:ngsi-ld:Lamp:1'), undefined);
    fake.state.devices = [device('plain', { entity_name: 'urn:ngsi-ld:Lamp:2' })];
    directory.invalidate();
    assert.equal(await directory.findCommandDevice('city', 'urn:ngsi-ld:Lamp:2'), undefined);
    const calls = fake.state.calls;
    assert.equal(await directory.findCommandDevice('city', 'urn:ngsi-ld:Lamp:3'), undefined);
    assert.equal(fake.state.calls, calls, 'no query for an entity no actuator feeds');
  });

  it('listAll returns the devices with commands or a stale period, group settings folded in', async () => {
    fake.state.devices.push(device('quiet', { apikey: 'k9' }));
    const all = await directory.listAll();
    assert.deepEqual(
      all.map((p) => p.device.device_id),
      ['d1', 'd2'],
    );
    assert.deepEqual(all[0]?.commands, [{ name: 'reset', type: 'command' }]);
  });

  it('findGroupByApikey is cached too', async () => {
    assert.equal((await directory.findGroupByApikey?.('k1'))?.resource, '/iot/json');
    const calls = fake.state.calls;
    await directory.findGroupByApikey?.('k1');
    assert.equal(fake.state.calls, calls);
  });
});
