import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testFleet } from './fleet.fixtures.js';
import { apikeyOf } from './fleet.js';

describe('buildFleet', () => {
  it('buildFleet gives the same fleet for the same seed and another for another seed', () => {
    const strip = (f: ReturnType<typeof testFleet>) =>
      f.devices.map((d) => [d.deviceId, d.apikey, d.transport, d.placement.location, d.seed]);
    assert.deepEqual(strip(testFleet()), strip(testFleet()));
    assert.notDeepEqual(strip(testFleet()), strip(testFleet({ seed: 2 })));
  });

  it('buildFleet keeps a device where it was when the fleet grows', () => {
    const small = testFleet({ devices: 100 });
    const large = testFleet({ devices: 1000 });
    const id = 'test-parking-00007';
    assert.deepEqual(
      small.devices.find((d) => d.deviceId === id)?.placement.location,
      large.devices.find((d) => d.deviceId === id)?.placement.location,
    );
  });

  it('buildFleet names devices, entities and apikeys after the prefix and kind', () => {
    const fleet = testFleet();
    const ids = new Set(fleet.devices.map((d) => d.deviceId));
    assert.equal(ids.size, 100);
    const light = fleet.devices.find((d) => d.kind.name === 'streetlight')!;
    assert.match(light.deviceId, /^test-streetlight-\d{5}$/);
    assert.equal(light.entityId, `urn:ngsi-ld:Streetlight:${light.deviceId}`);
    assert.equal(light.apikey, apikeyOf('test', 1, 'streetlight'));
    assert.notEqual(apikeyOf('test', 1, 'streetlight'), apikeyOf('test', 2, 'streetlight'));
  });

  it('buildFleet gives one service group per kind with its resource', () => {
    const fleet = testFleet();
    assert.equal(fleet.groups.length, 8);
    const byKind = new Map(fleet.groups.map((g) => [g.kind.name, g]));
    assert.equal(byKind.get('streetlight')?.resource, '/iot/d');
    assert.equal(byKind.get('parking')?.resource, '/iot/json');
    assert.equal(byKind.get('water')?.protocol, 'IoTA-UL');
  });

  it('buildFleet assigns transports by mode', () => {
    const share = (mode: 'mqtt' | 'http' | 'mixed') => {
      const fleet = testFleet({ transport: mode, devices: 2000 });
      return fleet.devices.filter((d) => d.transport === 'MQTT').length / 2000;
    };
    assert.equal(share('mqtt'), 1);
    assert.equal(share('http'), 0);
    const mixed = share('mixed');
    assert.ok(mixed > 0.65 && mixed < 0.75, String(mixed));
  });

  it('buildFleet gives a reporting order that visits every device once per round', () => {
    const fleet = testFleet();
    assert.deepEqual(
      [...fleet.order].sort((a, b) => a - b),
      fleet.devices.map((d) => d.index),
    );
    assert.notDeepEqual(
      [...fleet.order],
      fleet.devices.map((d) => d.index),
    );
  });

  it('buildFleet gives devices a location, a district and kind-specific static attributes', () => {
    const fleet = testFleet();
    for (const device of fleet.devices) {
      const names = device.staticAttributes.map((a) => a.name);
      assert.deepEqual(names.slice(0, 3), ['location', 'address', 'refDistrict']);
      assert.deepEqual(device.staticAttributes[0]?.value, {
        type: 'Point',
        coordinates: device.placement.location,
      });
    }
    const ev = fleet.devices.find((d) => d.kind.name === 'ev')!;
    const capacity = ev.staticAttributes.find((a) => a.name === 'capacity')?.value;
    assert.ok(typeof capacity === 'number' && capacity >= 2 && capacity <= 4);
    const traffic = fleet.devices.filter((d) => d.kind.name === 'traffic');
    for (const counter of traffic) assert.equal(counter.placement.street.class, 'primary');
  });
});
