/**
 * LoRaWAN webhooks and device health end to end, through the real app: devices provisioned
 * with /iot/services and /iot/devices, uplinks through the real sink into their entities,
 * device health on their Device entities, rejections in /api/ingest/rejections.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CHIRPSTACK_DEV_EUI,
  TTS_DEV_EUI,
  chirpstackUplink,
  ttsUplink,
} from '../../src/ingest/lorawan/lorawan.fixtures.js';
import { NGSI, createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';

function provision(tenant: string, apikey: string, device: Record<string, unknown>) {
  const headers = { 'fiware-service': tenant, 'fiware-servicepath': '/' };
  return [
    jsonRequest(
      'POST',
      '/iot/services',
      {
        services: [
          {
            apikey,
            resource: '/iot/lorawan',
            entity_type: 'AirQualityObserved',
            transport: 'LoRaWAN',
            stalePeriod: 600,
            attributes: [
              { object_id: 'temperature', name: 'temperature', type: 'Number' },
              { object_id: 'pm10', name: 'pm10', type: 'Number' },
              { object_id: 'fillingLevel', name: 'fillingLevel', type: 'Number' },
            ],
          },
        ],
      },
      headers,
    ),
    jsonRequest('POST', '/iot/devices', { devices: [device] }, headers),
  ];
}

describe('LoRaWAN webhooks through the real app', () => {
  let t: TestApp;

  before(async () => {
    t = await createTestApp();
    for (const request of [
      ...provision('north', 'north-key', {
        device_id: 'air-north-7',
        entity_name: 'urn:ngsi-ld:AirQualityObserved:north-7',
        entity_type: 'AirQualityObserved',
        devEui: TTS_DEV_EUI.toLowerCase(),
        transport: 'LoRaWAN',
      }),
      ...provision('south', 'south-key', {
        device_id: 'bin-0042',
        entity_name: 'urn:ngsi-ld:AirQualityObserved:bin-0042',
        entity_type: 'AirQualityObserved',
        devEui: CHIRPSTACK_DEV_EUI,
        transport: 'LoRaWAN',
      }),
    ]) {
      const response = await t.request(request);
      assert.ok(
        response.statusCode < 300,
        `${request.url}: ${response.statusCode} ${response.body}`,
      );
    }
  });
  after(() => t.close());

  it('writes a TTS uplink into the device entity with the network time as observedAt', async () => {
    const response = await t.request(
      jsonRequest('POST', '/iot/lorawan/ttn', ttsUplink(), { 'x-civis-apikey': 'north-key' }),
    );
    assert.equal(response.statusCode, 204, response.body);
    const entity = await t.request(
      jsonRequest('GET', `${NGSI}/entities/urn:ngsi-ld:AirQualityObserved:north-7`, undefined, {
        'ngsild-tenant': 'north',
      }),
    );
    assert.equal(entity.statusCode, 200, entity.body);
    const body = entity.json();
    assert.equal(body.temperature.value, 20.7);
    assert.equal(body.temperature.observedAt, '2024-05-14T10:15:31.276Z');
  });

  it('writes a ChirpStack up event into the south tenant only', async () => {
    const response = await t.request(
      jsonRequest('POST', '/iot/lorawan/chirpstack?event=up&k=south-key', chirpstackUplink()),
    );
    assert.equal(response.statusCode, 204, response.body);
    const south = await t.request(
      jsonRequest('GET', `${NGSI}/entities/urn:ngsi-ld:AirQualityObserved:bin-0042`, undefined, {
        'ngsild-tenant': 'south',
      }),
    );
    assert.equal(south.json().fillingLevel.value, 0.72);
    const north = await t.request(
      jsonRequest('GET', `${NGSI}/entities/urn:ngsi-ld:AirQualityObserved:bin-0042`, undefined, {
        'ngsild-tenant': 'north',
      }),
    );
    assert.equal(north.statusCode, 404);
  });

  it("refuses the other tenant's apikey and lists the rejection for the device's tenant", async () => {
    const response = await t.request(
      jsonRequest('POST', '/iot/lorawan/ttn?k=south-key', ttsUplink({ decoded: { pm10: 999 } })),
    );
    assert.equal(response.statusCode, 401);
    const rejections = await t.request(
      jsonRequest('GET', '/api/ingest/rejections?reason=not-authorized', undefined, {
        'ngsild-tenant': 'north',
      }),
    );
    assert.equal(rejections.statusCode, 200, rejections.body);
    const [rejection] = rejections.json().rejections;
    assert.equal(rejection.deviceId, 'air-north-7');
    assert.equal(rejection.transport, 'lorawan');
    assert.doesNotMatch(rejections.body, /south-key/);
    const entity = await t.request(
      jsonRequest('GET', `${NGSI}/entities/urn:ngsi-ld:AirQualityObserved:north-7`, undefined, {
        'ngsild-tenant': 'north',
      }),
    );
    assert.notEqual(entity.json().pm10?.value, 999);
  });

  it('answers 404 for an unknown DevEUI and 413 above ingestMaxPayloadBytes', async () => {
    let response = await t.request(
      jsonRequest(
        'POST',
        '/iot/lorawan/ttn?k=north-key',
        ttsUplink({ devEui: '0000000000000001' }),
      ),
    );
    assert.equal(response.statusCode, 404);
    response = await t.request(
      jsonRequest(
        'POST',
        '/iot/lorawan/ttn?k=north-key',
        ttsUplink({ decoded: { padding: 'x'.repeat(70 * 1024) } }),
      ),
    );
    assert.equal(response.statusCode, 413);
    response = await t.request({
      method: 'POST',
      url: '/iot/lorawan/ttn?k=north-key',
      headers: { 'content-type': 'application/json' },
      payload: '{"end_device_ids":',
    });
    assert.equal(response.statusCode, 400);
  });

  it('reports device health per tenant', async () => {
    const health = await t.request(
      jsonRequest('GET', '/api/ingest/devices/health', undefined, { 'ngsild-tenant': 'north' }),
    );
    assert.equal(health.statusCode, 200, health.body);
    const devices = health.json().devices as Array<Record<string, unknown>>;
    assert.deepEqual(
      devices.map((d) => [d.deviceId, d.messagesReceived, d.stale]),
      [['air-north-7', 1, false]],
    );
  });
});

describe('device health through the real app', () => {
  let t: TestApp;

  before(async () => {
    t = await createTestApp({ deviceHealthIntervalMs: 20 });
    for (const request of provision('north', 'north-key', {
      device_id: 'air-north-7',
      entity_name: 'urn:ngsi-ld:AirQualityObserved:north-7',
      entity_type: 'AirQualityObserved',
      devEui: TTS_DEV_EUI,
      transport: 'LoRaWAN',
    })) {
      const response = await t.request(request);
      assert.ok(
        response.statusCode < 300,
        `${request.url}: ${response.statusCode} ${response.body}`,
      );
    }
  });
  after(() => t.close());

  it("flushes lastSeen, the count and deviceState onto the registry's Device entity", async () => {
    for (let i = 0; i < 2; i++) {
      const response = await t.request(
        jsonRequest('POST', '/iot/lorawan/ttn?k=north-key', ttsUplink()),
      );
      assert.equal(response.statusCode, 204, response.body);
    }
    let device: Record<string, { value?: unknown }> = {};
    for (let attempt = 0; attempt < 100 && device.messageCount?.value !== 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await t.request(
        jsonRequest('GET', `${NGSI}/entities/urn:ngsi-ld:Device:air-north-7`, undefined, {
          'ngsild-tenant': 'north',
        }),
      );
      assert.equal(response.statusCode, 200, response.body);
      device = response.json();
    }
    assert.equal(device.messageCount?.value, 2);
    // One deviceState: the registry's 'provisioned' became 'ok' (same @context terms).
    assert.equal(device.deviceState?.value, 'ok');
    assert.ok(device.dateLastValueReported, JSON.stringify(device));
  });
});
