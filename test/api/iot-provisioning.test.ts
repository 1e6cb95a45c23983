/**
 * The FIWARE IoT Agent provisioning API (docs/iot-provisioning.md) as provisioning scripts
 * use it, and the NGSI-LD entities it keeps: the SDM Device entity and the measurement
 * entity with static attributes and command attributes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeviceDirectory } from '../../src/ingest/devices/device-directory.js';
import { verifyDevicePassword } from '../../src/ingest/devices/device-password.js';
import {
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  linkTo,
  type TestApp,
} from '../support/test-app.js';

const FIWARE = { 'fiware-service': 'openiot', 'fiware-servicepath': '/' };
const TENANT = { 'NGSILD-Tenant': 'openiot' };
const DEFAULT_VOCAB = 'https://uri.etsi.org/ngsi-ld/default-context/';

describe('IoT Agent provisioning API', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const get = async (url: string, headers: Record<string, string> = FIWARE) =>
    t.request(jsonRequest('GET', url, undefined, headers));

  it('POST /iot/services creates service groups (201) that GET lists with count', async () => {
    const res = await t.request(
      jsonRequest(
        'POST',
        '/iot/services',
        {
          services: [
            {
              apikey: '4jggokgpepnvsb2uv4s40d59ov',
              cbroker: 'http://orion:1026',
              entity_type: 'Thing',
              resource: '/iot/json',
              attributes: [{ object_id: 'l', name: 'luminosity', type: 'Integer' }],
              commands: [{ name: 'reset', type: 'command' }],
              static_attributes: [{ name: 'brand', type: 'Text', value: 'ACME' }],
            },
            { apikey: 'ul-key', entity_type: 'Lamp', resource: '/iot/d', stalePeriod: 900 },
          ],
        },
        FIWARE,
      ),
    );
    assert.equal(res.statusCode, 201, res.body);
    const list = await get('/iot/services');
    assert.equal(list.statusCode, 200);
    assert.match(String(list.headers['content-type']), /application\/json/);
    const body = list.json();
    assert.equal(body.count, 2);
    assert.deepEqual(body.services[1], {
      service: 'openiot',
      subservice: '/',
      apikey: 'ul-key',
      resource: '/iot/d',
      entity_type: 'Lamp',
      stalePeriod: 900,
    });
    const filtered = await get('/iot/services?apikey=ul-key&resource=/iot/d&limit=5');
    assert.equal(filtered.json().count, 1);
    const paged = await get('/iot/services?limit=1&offset=1');
    assert.deepEqual(
      paged.json().services.map((s: { apikey: string }) => s.apikey),
      ['ul-key'],
    );
    assert.equal(paged.json().count, 2);
  });

  it('POST /iot/devices provisions devices that take their group’s apikey and entity_type', async () => {
    const res = await t.request(
      jsonRequest(
        'POST',
        '/iot/devices',
        {
          devices: [
            {
              device_id: 'motion001',
              protocol: 'IoTA-JSON',
              transport: 'MQTT',
              attributes: [{ object_id: 'c', name: 'count', type: 'Integer' }],
              password: 'm0tion-secret',
            },
            {
              device_id: 'bell001',
              entity_name: 'urn:ngsi-ld:Bell:001',
              entity_type: 'Bell',
              protocol: 'PDI-IoTA-UltraLight',
              transport: 'HTTP',
              endpoint: 'http://iot-sensors:3001/iot/bell001',
              commands: [{ name: 'ring', type: 'command' }],
              static_attributes: [
                { name: 'refStore', type: 'Relationship', value: 'urn:ngsi-ld:Store:001' },
              ],
            },
          ],
        },
        FIWARE,
      ),
    );
    assert.equal(res.statusCode, 201, res.body);
    const motion = await get('/iot/devices/motion001');
    assert.equal(motion.statusCode, 200);
    assert.deepEqual(motion.json(), {
      service: 'openiot',
      service_path: '/',
      device_id: 'motion001',
      entity_name: 'urn:ngsi-ld:Thing:motion001',
      entity_type: 'Thing',
      apikey: '4jggokgpepnvsb2uv4s40d59ov',
      protocol: 'IoTA-JSON',
      transport: 'MQTT',
      attributes: [{ object_id: 'c', name: 'count', type: 'Integer' }],
    });
    assert.doesNotMatch(motion.body, /secret|scrypt|password/);
    const stored = await t.deviceStore.getDevice('openiot', '/', 'motion001');
    assert.ok(stored?.passwordHash);
    assert.equal(await verifyDevicePassword('m0tion-secret', stored.passwordHash), true);
    // Several groups in the path: the protocol's resource picks ul-key's group for bell001.
    assert.equal((await get('/iot/devices/bell001')).json().apikey, 'ul-key');
  });

  it('GET /iot/devices pages with limit and offset and counts every device', async () => {
    const all = (await get('/iot/devices')).json();
    assert.equal(all.count, 2);
    const page = (await get('/iot/devices?limit=1&offset=1')).json();
    assert.equal(page.count, 2);
    assert.deepEqual(
      page.devices.map((d: { device_id: string }) => d.device_id),
      ['bell001'],
    );
    const everyPath = await get('/iot/devices', {
      'fiware-service': 'openiot',
      'fiware-servicepath': '/*',
    });
    assert.equal(everyPath.json().count, 2);
    const otherPath = await get('/iot/devices', {
      'fiware-service': 'openiot',
      'fiware-servicepath': '/north',
    });
    assert.deepEqual(otherPath.json(), { count: 0, devices: [] });
  });

  it('provisioning creates the SDM Device entity and the measurement entity in the tenant', async () => {
    const deviceEntity = await get(`${NGSI}/entities/urn:ngsi-ld:Device:motion001`, TENANT);
    assert.equal(deviceEntity.statusCode, 200, deviceEntity.body);
    assert.deepEqual(deviceEntity.json(), {
      id: 'urn:ngsi-ld:Device:motion001',
      type: 'Device',
      controlledProperty: { type: 'Property', value: ['count', 'luminosity'] },
      controlledAsset: { type: 'Relationship', object: 'urn:ngsi-ld:Thing:motion001' },
      deviceState: { type: 'Property', value: 'provisioned' },
      source: { type: 'Property', value: 'MQTT/IoTA-JSON' },
    });
    const motion = (await get(`${NGSI}/entities/urn:ngsi-ld:Thing:motion001`, TENANT)).json();
    // The group's static attribute and command reach the device's entity.
    assert.deepEqual(motion, {
      id: 'urn:ngsi-ld:Thing:motion001',
      type: 'Thing',
      brand: { type: 'Property', value: 'ACME' },
      reset: { type: 'Property', value: '' },
      reset_status: { type: 'Property', value: 'UNKNOWN' },
      reset_info: { type: 'Property', value: '' },
    });
    const bell = (await get(`${NGSI}/entities/urn:ngsi-ld:Bell:001`, TENANT)).json();
    assert.deepEqual(bell.refStore, { type: 'Relationship', object: 'urn:ngsi-ld:Store:001' });
    assert.deepEqual(bell.ring_status, { type: 'Property', value: 'UNKNOWN' });
    const devices = await get(`${NGSI}/entities?type=Device`, TENANT);
    assert.equal(devices.json().length, 2);
    // Nothing leaks into the default tenant.
    assert.deepEqual((await get(`${NGSI}/entities?type=Device`, {})).json(), []);
  });

  it('an NGSI-LD PATCH of a command attribute works on the measurement entity', async () => {
    const res = await t.request(
      jsonRequest(
        'PATCH',
        `${NGSI}/entities/urn:ngsi-ld:Bell:001/attrs/ring`,
        { value: 'now' },
        TENANT,
      ),
    );
    assert.equal(res.statusCode, 204, res.body);
    const bell = (await get(`${NGSI}/entities/urn:ngsi-ld:Bell:001`, TENANT)).json();
    assert.equal(bell.ring.value, 'now');
  });

  it('the device directory resolves what was provisioned, by apikey and id and by entity', async () => {
    const directory = createDeviceDirectory({ store: t.deviceStore });
    const motion = await directory.findByApikey('4jggokgpepnvsb2uv4s40d59ov', 'motion001');
    assert.equal(motion?.device.tenant, 'openiot');
    assert.deepEqual(
      motion?.attributes.map((a) => a.name),
      ['count', 'luminosity'],
    );
    const bell = await directory.findCommandDevice('openiot', 'urn:ngsi-ld:Bell:001');
    assert.equal(bell?.endpoint, 'http://iot-sensors:3001/iot/bell001');
  });

  it('PUT /iot/devices/:id changes mappings, keeps the password and the device state', async () => {
    await t.request(
      jsonRequest(
        'PATCH',
        `${NGSI}/entities/urn:ngsi-ld:Device:motion001/attrs/deviceState`,
        { value: 'active' },
        TENANT,
      ),
    );
    const res = await t.request(
      jsonRequest(
        'PUT',
        '/iot/devices/motion001',
        { attributes: [{ object_id: 'p', name: 'presence', type: 'Boolean' }], transport: null },
        FIWARE,
      ),
    );
    assert.equal(res.statusCode, 204, res.body);
    const motion = (await get('/iot/devices/motion001')).json();
    assert.deepEqual(motion.attributes, [{ object_id: 'p', name: 'presence', type: 'Boolean' }]);
    assert.equal(motion.transport, undefined);
    const stored = await t.deviceStore.getDevice('openiot', '/', 'motion001');
    assert.equal(await verifyDevicePassword('m0tion-secret', stored?.passwordHash ?? ''), true);
    const entity = (await get(`${NGSI}/entities/urn:ngsi-ld:Device:motion001`, TENANT)).json();
    assert.deepEqual(entity.controlledProperty.value, ['presence', 'luminosity']);
    assert.equal(entity.deviceState.value, 'active');
  });

  it('PUT /iot/services changes a group selected by apikey and resource', async () => {
    const res = await t.request(
      jsonRequest(
        'PUT',
        '/iot/services?apikey=ul-key&resource=/iot/d',
        { entity_type: 'Luminaire', stalePeriod: null },
        FIWARE,
      ),
    );
    assert.equal(res.statusCode, 204, res.body);
    const [group] = (await get('/iot/services?apikey=ul-key')).json().services;
    assert.equal(group.entity_type, 'Luminaire');
    assert.equal(group.stalePeriod, undefined);
  });

  it('DELETE /iot/devices/:id removes the device and its Device entity, not the measurement entity', async () => {
    const res = await t.request(jsonRequest('DELETE', '/iot/devices/motion001', undefined, FIWARE));
    assert.equal(res.statusCode, 204, res.body);
    assert.equal((await get('/iot/devices/motion001')).statusCode, 404);
    assert.equal(
      (await get(`${NGSI}/entities/urn:ngsi-ld:Device:motion001`, TENANT)).statusCode,
      404,
    );
    assert.equal(
      (await get(`${NGSI}/entities/urn:ngsi-ld:Thing:motion001`, TENANT)).statusCode,
      200,
    );
    assert.equal((await get('/iot/devices')).json().count, 1);
  });

  it('DELETE /iot/services removes the group; its devices stay', async () => {
    const res = await t.request(
      jsonRequest('DELETE', '/iot/services?apikey=ul-key&resource=/iot/d', undefined, FIWARE),
    );
    assert.equal(res.statusCode, 204, res.body);
    assert.equal((await get('/iot/services')).json().count, 1);
    assert.equal((await get('/iot/devices/bell001')).statusCode, 200);
  });

  it('DELETE /iot/services?device=true also removes the devices using the group apikey in that path', async () => {
    const headers = { 'fiware-service': 'purge', 'fiware-servicepath': '/park' };
    const create = async (url: string, body: unknown, h = headers) =>
      assert.equal((await t.request(jsonRequest('POST', url, body, h))).statusCode, 201);
    await create('/iot/services', {
      services: [
        { apikey: 'pk', entity_type: 'Spot', resource: '/iot/json' },
        { apikey: 'other', entity_type: 'Spot', resource: '/iot/d' },
      ],
    });
    await create('/iot/devices', {
      devices: [
        { device_id: 'spot1', apikey: 'pk' },
        { device_id: 'spot2', apikey: 'pk' },
        { device_id: 'spot3', apikey: 'other' },
      ],
    });
    const del = (query: string) =>
      t.request(jsonRequest('DELETE', `/iot/services?${query}`, undefined, headers));
    const bad = await del('apikey=pk&resource=/iot/json&device=yes');
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().detail, /device/);
    const missing = await del('apikey=nope&resource=/iot/json&device=true');
    assert.equal(missing.statusCode, 404, missing.body);
    assert.equal((await get('/iot/devices', headers)).json().count, 3);

    const res = await del('apikey=pk&resource=/iot/json&device=true');
    assert.equal(res.statusCode, 204, res.body);
    const left = (await get('/iot/devices', headers)).json();
    assert.deepEqual(
      left.devices.map((d: { device_id: string }) => d.device_id),
      ['spot3'],
    );
    const tenant = { 'NGSILD-Tenant': 'purge' };
    for (const id of ['spot1', 'spot2'])
      assert.equal(
        (await get(`${NGSI}/entities/urn:ngsi-ld:Device:${id}`, tenant)).statusCode,
        404,
      );
    assert.equal((await get(`${NGSI}/entities/urn:ngsi-ld:Device:spot3`, tenant)).statusCode, 200);
    assert.equal((await get('/iot/services', headers)).json().count, 1);
  });

  it('NGSILD-Tenant works like fiware-service, and the default tenant needs no header', async () => {
    const res = await t.request(
      jsonRequest(
        'POST',
        '/iot/devices',
        { devices: [{ device_id: 'lamp1', apikey: 'lk', entity_type: 'Lamp' }] },
        TENANT,
      ),
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((await get('/iot/devices/lamp1')).statusCode, 200);
    const plain = await t.request(
      jsonRequest('POST', '/iot/devices', {
        devices: [{ device_id: 'lamp2', apikey: 'lk2', entity_type: 'Lamp' }],
      }),
    );
    assert.equal(plain.statusCode, 201, plain.body);
    assert.equal((await get('/iot/devices/lamp2', {})).statusCode, 200);
    assert.equal((await get(`${NGSI}/entities/urn:ngsi-ld:Lamp:lamp2`, {})).statusCode, 200);
  });

  it('attribute names are expanded with the device’s ldContext (the core context otherwise)', async () => {
    const res = await t.request(
      jsonRequest(
        'POST',
        '/iot/devices',
        {
          devices: [
            {
              device_id: 'light7',
              apikey: 'lights',
              entity_type: 'Streetlight',
              ldContext: TEST_CONTEXT_URL,
              attributes: [{ name: 'illuminance', type: 'Number' }],
              static_attributes: [{ name: 'powerState', type: 'Text', value: 'on' }],
            },
          ],
        },
        FIWARE,
      ),
    );
    assert.equal(res.statusCode, 201, res.body);
    const compact = await get(`${NGSI}/entities/urn:ngsi-ld:Streetlight:light7`, {
      ...TENANT,
      ...linkTo(TEST_CONTEXT_URL),
    });
    assert.deepEqual(compact.json(), {
      id: 'urn:ngsi-ld:Streetlight:light7',
      type: 'Streetlight',
      powerState: { type: 'Property', value: 'on' },
    });
    const expanded = (await get(`${NGSI}/entities/urn:ngsi-ld:Streetlight:light7`, TENANT)).json();
    assert.equal(expanded.type, 'https://city.example.org/ns#Streetlight');
    assert.ok('https://city.example.org/ns#powerState' in expanded);
    const device = (await get(`${NGSI}/entities/urn:ngsi-ld:Device:light7`, TENANT)).json();
    assert.deepEqual(device.controlledProperty.value, ['illuminance']);
    // Terms the context does not define fall back to the core context's @vocab.
    const byIri = await get(
      `${NGSI}/entities?type=${encodeURIComponent(`${DEFAULT_VOCAB}Device`)}`,
      TENANT,
    );
    assert.ok(byIri.json().some((e: { id: string }) => e.id === 'urn:ngsi-ld:Device:light7'));
  });
});
