import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { Device, ServiceGroup } from './device.model.js';
import {
  defaultEntityName,
  deviceEntityDocuments,
  staticAttributeJson,
} from './device-entities.js';
import { hashDevicePassword, verifyDevicePassword } from './device-password.js';
import { candidateGroups, foldDevice, selectGroup } from './provisioned-device.js';

const AT = '2026-01-01T00:00:00.000Z';

function group(extra: Partial<ServiceGroup> = {}): ServiceGroup {
  return {
    tenant: '',
    servicePath: '/',
    apikey: 'k1',
    resource: '/iot/json',
    entity_type: 'Thing',
    createdAt: AT,
    modifiedAt: AT,
    ...extra,
  };
}

function device(extra: Partial<Device> = {}): Device {
  return {
    tenant: '',
    servicePath: '/',
    device_id: 'd1',
    entity_name: 'urn:ngsi-ld:Thing:d1',
    entity_type: 'Thing',
    apikey: 'k1',
    createdAt: AT,
    modifiedAt: AT,
    ...extra,
  };
}

describe('foldDevice', () => {
  it('takes the group mappings the device does not override, by object_id and by name', () => {
    const folded = foldDevice(
      device({
        attributes: [{ object_id: 't', name: 'airTemperature', type: 'Number' }],
        static_attributes: [{ name: 'category', type: 'Text', value: 'own' }],
        commands: [{ name: 'ring', type: 'command' }],
        stalePeriod: 60,
      }),
      group({
        attributes: [
          { object_id: 't', name: 'temperature', type: 'Number' },
          { object_id: 'h', name: 'humidity', type: 'Number' },
        ],
        static_attributes: [
          { name: 'category', type: 'Text', value: 'group' },
          { name: 'brand', type: 'Text', value: 'ACME' },
        ],
        commands: [
          { name: 'ring', type: 'command', object_id: 'r' },
          { name: 'reset', type: 'command' },
        ],
        explicitAttrs: true,
        ldContext: 'https://contexts.example.org/city.jsonld',
        stalePeriod: 3600,
        transport: 'MQTT',
        endpoint: 'http://devices.example.org/cmd',
      }),
    );
    assert.deepEqual(
      folded.attributes.map((a) => a.name),
      ['airTemperature', 'humidity'],
    );
    assert.deepEqual(
      folded.static_attributes.map((a) => a.value),
      ['own', 'ACME'],
    );
    assert.deepEqual(folded.commands, [
      { name: 'ring', type: 'command' },
      { name: 'reset', type: 'command' },
    ]);
    assert.equal(folded.explicitAttrs, true);
    assert.equal(folded.stalePeriod, 60);
    assert.equal(folded.ldContext, 'https://contexts.example.org/city.jsonld');
    assert.equal(folded.transport, 'MQTT');
    assert.equal(folded.endpoint, 'http://devices.example.org/cmd');
  });

  it('works without a group', () => {
    const folded = foldDevice(device(), undefined);
    assert.deepEqual(folded.attributes, []);
    assert.equal(folded.explicitAttrs, false);
    assert.equal('ldContext' in folded, false);
  });
});

describe('selectGroup', () => {
  const json = group({ resource: '/iot/json' });
  const ul = group({ resource: '/iot/d' });
  const other = group({ apikey: 'k2' });

  it('narrows by apikey, then by the resource of the protocol', () => {
    assert.deepEqual(candidateGroups([json, ul, other], {}), [json, ul, other]);
    assert.deepEqual(candidateGroups([json, ul, other], { apikey: 'k1' }), [json, ul]);
    assert.equal(selectGroup([json, ul, other], { apikey: 'k1', protocol: 'IoTA-UL' }), ul);
    assert.equal(selectGroup([json, ul, other], { apikey: 'k1' }), json);
    assert.equal(selectGroup([json, ul], { apikey: 'k3' }), undefined);
  });

  it('prefers a group whose protocol is the device protocol', () => {
    const lora = group({ resource: '/lora', protocol: 'LoRaWAN' });
    assert.equal(selectGroup([json, lora], { apikey: 'k1', protocol: 'LoRaWAN' }), lora);
  });
});

describe('deviceEntityDocuments', () => {
  it('builds the SDM Device entity, the measurement entity and the command attributes', () => {
    const docs = deviceEntityDocuments(
      foldDevice(
        device({
          transport: 'MQTT',
          protocol: 'IoTA-JSON',
          attributes: [{ object_id: 't', name: 'temperature', type: 'Number' }],
          static_attributes: [
            { name: 'location', type: 'geo:point', value: '40.4, -3.7' },
            {
              name: 'refPoi',
              type: 'Relationship',
              value: 'urn:ngsi-ld:Poi:1',
              metadata: { unitCode: { type: 'Text', value: 'MTR' } },
            },
          ],
          commands: [{ name: 'ring', type: 'command' }],
        }),
        undefined,
      ),
      { initial: true },
    );
    assert.deepEqual(docs.device, {
      id: 'urn:ngsi-ld:Device:d1',
      type: 'Device',
      controlledProperty: { type: 'Property', value: ['temperature'] },
      controlledAsset: { type: 'Relationship', object: 'urn:ngsi-ld:Thing:d1' },
      deviceState: { type: 'Property', value: 'provisioned' },
      source: { type: 'Property', value: 'MQTT/IoTA-JSON' },
    });
    assert.deepEqual(docs.measurement, {
      id: 'urn:ngsi-ld:Thing:d1',
      type: 'Thing',
      location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [-3.7, 40.4] } },
      refPoi: { type: 'Relationship', object: 'urn:ngsi-ld:Poi:1', unitCode: 'MTR' },
    });
    assert.deepEqual(docs.commands, {
      ring: { type: 'Property', value: '' },
      ring_status: { type: 'Property', value: 'UNKNOWN' },
      ring_info: { type: 'Property', value: '' },
    });
  });

  it('leaves deviceState to device health after the first provisioning', () => {
    const docs = deviceEntityDocuments(foldDevice(device(), undefined), { initial: false });
    assert.equal('deviceState' in docs.device, false);
    assert.equal(docs.commands, undefined);
  });

  it('refuses a static value that does not fit its type', () => {
    assert.throws(
      () =>
        staticAttributeJson(
          { name: 'floors', type: 'Integer', value: 'many' },
          'static_attributes[0]',
        ),
      (error: unknown) =>
        isProblemDetails(error) && error.status === 400 && /floors/.test(error.detail),
    );
  });

  it('defaultEntityName is urn:ngsi-ld:<type>:<device_id>', () => {
    assert.equal(defaultEntityName('Streetlight', 'l1'), 'urn:ngsi-ld:Streetlight:l1');
    assert.equal(
      defaultEntityName('https://smartdatamodels.org/Streetlight', 'l1'),
      'urn:ngsi-ld:Streetlight:l1',
    );
    assert.equal(defaultEntityName('sdm:Streetlight', 'l1'), 'urn:ngsi-ld:Streetlight:l1');
  });
});

describe('device passwords', () => {
  it('hashDevicePassword makes a salted scrypt hash that only the password verifies', async () => {
    const hash = await hashDevicePassword('s3cret-ü');
    assert.match(hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(hash, await hashDevicePassword('s3cret-ü'));
    assert.equal(await verifyDevicePassword('s3cret-ü', hash), true);
    assert.equal(await verifyDevicePassword('s3cret-u', hash), false);
    assert.equal(await verifyDevicePassword('s3cret-ü', 'plain'), false);
    assert.equal(await verifyDevicePassword('x', 'scrypt$1048576$8$1$c2FsdA==$aGFzaA=='), false);
  });
});
