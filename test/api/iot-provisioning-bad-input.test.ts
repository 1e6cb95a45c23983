/**
 * Bad, hostile and cross-tenant requests to the IoT Agent provisioning API: each gets a 4xx
 * ProblemDetails and leaves the registry and the entities exactly as they were.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ETSI_ERRORS,
  NGSI,
  createTestApp,
  jsonRequest,
  type TestApp,
} from '../support/test-app.js';

const CITY = { 'fiware-service': 'city', 'fiware-servicepath': '/' };
const RIVAL = { 'fiware-service': 'rival', 'fiware-servicepath': '/' };

describe('IoT Agent provisioning API: bad input writes nothing', () => {
  let t: TestApp;
  let snapshot: string;

  const state = async () => {
    const entities = await Promise.all(
      ['city', 'rival'].map(
        async (tenant) =>
          (
            await t.request({
              method: 'GET',
              url: `${NGSI}/entities?type=Device,Thing,Lamp&limit=1000`,
              headers: { 'NGSILD-Tenant': tenant },
            })
          ).body,
      ),
    );
    return JSON.stringify({
      devices: await t.deviceStore.listAllDevices(),
      groups: await t.deviceStore.listAllGroups(),
      version: await t.deviceStore.version(),
      entities,
    });
  };

  before(async () => {
    t = await createTestApp({ bodyLimitBytes: 64 * 1024 });
    const groups = await t.request(
      jsonRequest(
        'POST',
        '/iot/services',
        { services: [{ apikey: 'ck', resource: '/iot/json', entity_type: 'Thing' }] },
        CITY,
      ),
    );
    assert.equal(groups.statusCode, 201, groups.body);
    const devices = await t.request(
      jsonRequest(
        'POST',
        '/iot/devices',
        {
          devices: [
            { device_id: 'd1', devEui: '0004A30B001C0530' },
            { device_id: 'lamp', entity_type: 'Lamp' },
          ],
        },
        CITY,
      ),
    );
    assert.equal(devices.statusCode, 201, devices.body);
    snapshot = await state();
  });
  after(() => t.close());

  const raw = (
    method: 'POST' | 'PUT',
    url: string,
    payload: string,
    headers: Record<string, string> = {},
  ) => ({
    method,
    url,
    headers: { 'content-type': 'application/json', ...CITY, ...headers },
    payload,
  });
  const post = (url: string, body: unknown, headers: Record<string, string> = CITY) =>
    jsonRequest('POST', url, body, headers);

  const cases: Array<{
    name: string;
    request: Parameters<TestApp['request']>[0];
    status: number;
    type?: string;
    detail?: RegExp;
  }> = [
    {
      name: 'malformed JSON',
      request: raw('POST', '/iot/devices', '{"devices": ['),
      status: 400,
      type: 'InvalidRequest',
    },
    {
      name: 'a text body',
      request: {
        ...raw('POST', '/iot/devices', 'devices'),
        headers: { ...CITY, 'content-type': 'text/plain' },
      },
      status: 415,
    },
    {
      name: 'no body',
      request: {
        method: 'POST',
        url: '/iot/devices',
        headers: { ...CITY, 'content-type': 'application/json' },
      },
      status: 400,
      detail: /needs a JSON body/,
    },
    {
      name: 'an oversized body',
      request: raw(
        'POST',
        '/iot/devices',
        JSON.stringify({
          devices: [
            {
              device_id: 'big',
              entity_type: 'T',
              apikey: 'x',
              static_attributes: [{ name: 'blob', type: 'Text', value: 'x'.repeat(70 * 1024) }],
            },
          ],
        }),
      ),
      status: 413,
    },
    {
      name: 'a JSON array body',
      request: post('/iot/devices', [{ device_id: 'x' }]),
      status: 400,
      detail: /JSON object/,
    },
    {
      name: 'a group without apikey',
      request: post('/iot/services', { services: [{ resource: '/iot/d' }] }),
      status: 400,
      detail: /apikey is required/,
    },
    {
      name: 'a group that exists',
      request: post('/iot/services', {
        services: [
          { apikey: 'new', resource: '/iot/d' },
          { apikey: 'ck', resource: '/iot/json' },
        ],
      }),
      status: 409,
      type: 'AlreadyExists',
    },
    {
      name: 'a device without apikey in a path without group',
      request: post(
        '/iot/devices',
        { devices: [{ device_id: 'x', entity_type: 'T' }] },
        { ...CITY, 'fiware-servicepath': '/north' },
      ),
      status: 400,
      detail: /no apikey/,
    },
    {
      name: 'a device without entity_type when its group has none',
      request: post('/iot/devices', { devices: [{ device_id: 'x', apikey: 'other' }] }),
      status: 400,
      detail: /no entity_type/,
    },
    {
      name: 'the same device id twice in a body',
      request: post('/iot/devices', { devices: [{ device_id: 'n1' }, { device_id: 'n1' }] }),
      status: 409,
      type: 'AlreadyExists',
    },
    {
      name: 'a device id that exists (with a new one before it)',
      request: post('/iot/devices', { devices: [{ device_id: 'new1' }, { device_id: 'd1' }] }),
      status: 409,
      type: 'AlreadyExists',
      detail: /d1/,
    },
    {
      name: 'a device id of another service path of the tenant',
      request: post(
        '/iot/devices',
        { devices: [{ device_id: 'd1', apikey: 'nk', entity_type: 'T' }] },
        { ...CITY, 'fiware-servicepath': '/north' },
      ),
      status: 409,
    },
    {
      name: 'an apikey and id another tenant has',
      request: post(
        '/iot/devices',
        { devices: [{ device_id: 'd1', apikey: 'ck', entity_type: 'T' }] },
        RIVAL,
      ),
      status: 409,
    },
    {
      name: 'a devEui another device has',
      request: post('/iot/devices', { devices: [{ device_id: 'n2', devEui: '0004a30b001c0530' }] }),
      status: 409,
      detail: /devEui/,
    },
    {
      name: 'a static value that does not fit its type',
      request: post('/iot/devices', {
        devices: [
          {
            device_id: 'n3',
            static_attributes: [{ name: 'floors', type: 'Integer', value: 'many' }],
          },
        ],
      }),
      status: 400,
      detail: /floors/,
    },
    {
      name: 'a Relationship to no URI',
      request: post('/iot/devices', {
        devices: [
          {
            device_id: 'n4',
            static_attributes: [{ name: 'refStore', type: 'Relationship', value: 'store 1' }],
          },
        ],
      }),
      status: 400,
    },
    {
      name: 'an unknown attribute type',
      request: post('/iot/devices', {
        devices: [{ device_id: 'n5', attributes: [{ name: 'a', type: 'Temperature' }] }],
      }),
      status: 400,
      detail: /Temperature/,
    },
    {
      name: 'an entity_name that is no URI',
      request: post('/iot/devices', { devices: [{ device_id: 'n6', entity_name: 'my room' }] }),
      status: 400,
    },
    {
      name: 'a device id with a topic wildcard',
      request: post('/iot/devices', { devices: [{ device_id: 'a/#' }] }),
      status: 400,
    },
    {
      name: 'a JEXL expression',
      request: post('/iot/devices', {
        devices: [
          {
            device_id: 'n7',
            attributes: [{ name: 'a', type: 'Number', expression: 'process.exit()' }],
          },
        ],
      }),
      status: 400,
      detail: /JEXL/,
    },
    {
      name: 'a __proto__ expression key',
      request: raw(
        'POST',
        '/iot/devices',
        '{"devices":[{"device_id":"n8","attributes":[{"name":"a","type":"Number","expression":{"__proto__":{"x":1}}}]}]}',
      ),
      status: 400,
    },
    {
      name: 'a devEui of 8 digits',
      request: post('/iot/devices', { devices: [{ device_id: 'n9', devEui: '0004A30B' }] }),
      status: 400,
    },
    {
      name: 'an ldContext nobody serves',
      request: post('/iot/devices', {
        devices: [{ device_id: 'n10', ldContext: 'https://nowhere.example.org/ctx.jsonld' }],
      }),
      status: 504,
      type: 'LdContextNotAvailable',
    },
    {
      name: 'a wildcard service path on a write',
      request: post(
        '/iot/devices',
        { devices: [{ device_id: 'n11' }] },
        { ...CITY, 'fiware-servicepath': '/*' },
      ),
      status: 400,
    },
    {
      name: 'a malformed service path',
      request: post(
        '/iot/devices',
        { devices: [{ device_id: 'n12' }] },
        { ...CITY, 'fiware-servicepath': 'north' },
      ),
      status: 400,
    },
    {
      name: 'a malformed tenant',
      request: post(
        '/iot/devices',
        { devices: [{ device_id: 'n13' }] },
        { 'fiware-service': 'a b' },
      ),
      status: 400,
    },
    {
      name: 'fiware-service and NGSILD-Tenant that disagree',
      request: post(
        '/iot/devices',
        { devices: [{ device_id: 'n14' }] },
        { ...CITY, 'NGSILD-Tenant': 'rival' },
      ),
      status: 400,
      detail: /disagree/,
    },
    {
      name: 'a body service that is not the header',
      request: post('/iot/devices', { devices: [{ device_id: 'n15', service: 'rival' }] }),
      status: 400,
      detail: /conflicts/,
    },
    {
      name: 'an unknown query parameter',
      request: jsonRequest('GET', '/iot/devices?colour=red', undefined, CITY),
      status: 400,
    },
    {
      name: 'a limit above the maximum',
      request: jsonRequest('GET', '/iot/devices?limit=5000', undefined, CITY),
      status: 400,
    },
    {
      name: 'a negative offset',
      request: jsonRequest('GET', '/iot/devices?offset=-1', undefined, CITY),
      status: 400,
    },
    {
      name: 'PATCH on /iot/devices',
      request: jsonRequest('PATCH', '/iot/devices', { devices: [] }, CITY),
      status: 405,
    },
    {
      name: 'PUT changing the entity_name',
      request: jsonRequest(
        'PUT',
        '/iot/devices/d1',
        { entity_name: 'urn:ngsi-ld:Thing:other' },
        CITY,
      ),
      status: 400,
      detail: /cannot be changed/,
    },
    {
      name: 'PUT with a bad attribute list',
      request: jsonRequest('PUT', '/iot/devices/d1', { attributes: 'temperature' }, CITY),
      status: 400,
    },
    {
      name: 'PUT with a devEui another device has',
      request: jsonRequest('PUT', '/iot/devices/lamp', { devEui: '0004A30B001C0530' }, CITY),
      status: 409,
    },
    {
      name: 'PUT of a device that does not exist',
      request: jsonRequest('PUT', '/iot/devices/ghost', { stalePeriod: 5 }, CITY),
      status: 404,
      type: 'ResourceNotFound',
    },
    {
      name: 'PUT /iot/services without resource',
      request: jsonRequest('PUT', '/iot/services?apikey=ck', { entity_type: 'X' }, CITY),
      status: 400,
    },
    {
      name: 'PUT /iot/services changing the apikey',
      request: jsonRequest(
        'PUT',
        '/iot/services?apikey=ck&resource=/iot/json',
        { apikey: 'k2' },
        CITY,
      ),
      status: 400,
    },
    {
      name: 'DELETE /iot/services of an unknown group',
      request: jsonRequest('DELETE', '/iot/services?apikey=zz&resource=/iot/json', undefined, CITY),
      status: 404,
    },
    {
      name: 'a bad device id in the path',
      request: jsonRequest('GET', '/iot/devices/a%2Bb', undefined, CITY),
      status: 400,
    },
    // Another tenant sees nothing and changes nothing.
    {
      name: 'GET of another tenant’s device',
      request: jsonRequest('GET', '/iot/devices/d1', undefined, RIVAL),
      status: 404,
    },
    {
      name: 'PUT of another tenant’s device',
      request: jsonRequest('PUT', '/iot/devices/d1', { stalePeriod: 5 }, RIVAL),
      status: 404,
    },
    {
      name: 'DELETE of another tenant’s device',
      request: jsonRequest('DELETE', '/iot/devices/d1', undefined, RIVAL),
      status: 404,
    },
    {
      name: 'PUT of another tenant’s group',
      request: jsonRequest(
        'PUT',
        '/iot/services?apikey=ck&resource=/iot/json',
        { entity_type: 'X' },
        RIVAL,
      ),
      status: 404,
    },
    {
      name: 'DELETE of another tenant’s group',
      request: jsonRequest(
        'DELETE',
        '/iot/services?apikey=ck&resource=/iot/json',
        undefined,
        RIVAL,
      ),
      status: 404,
    },
    {
      name: 'DELETE in another service path',
      request: jsonRequest('DELETE', '/iot/devices/d1', undefined, {
        ...CITY,
        'fiware-servicepath': '/north',
      }),
      status: 404,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const res = await t.request(c.request);
      assert.equal(res.statusCode, c.status, res.body);
      if (c.status !== 415) {
        const problem = res.json();
        assert.equal(problem.status, c.status);
        assert.equal(typeof problem.detail, 'string');
        if (c.type) assert.equal(problem.type, `${ETSI_ERRORS}${c.type}`);
        if (c.detail) assert.match(problem.detail, c.detail);
      }
      assert.equal(await state(), snapshot, 'the request changed the registry or the entities');
    });
  }

  it('another tenant’s lists are empty', async () => {
    for (const url of ['/iot/devices', '/iot/services']) {
      const res = await t.request(jsonRequest('GET', url, undefined, RIVAL));
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().count, 0);
    }
    const entities = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?type=Device`,
      headers: { 'NGSILD-Tenant': 'rival' },
    });
    assert.ok([200, 404].includes(entities.statusCode));
    if (entities.statusCode === 200) assert.deepEqual(entities.json(), []);
  });
});
