/**
 * GET /api/ingest/devices/health: tenant-scoped, filtered, paged; bad input → 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  healthDevice,
  startDeviceHealthApi,
  type DeviceHealthApi,
} from '../support/device-health-api.js';

describe('GET /api/ingest/devices/health', () => {
  const north = [1, 2, 3].map((n) => healthDevice(`north-${n}`, 'north'));
  const south = healthDevice('south-1', 'south');
  let api: DeviceHealthApi;

  before(async () => {
    // north-1 and south-1 keep reporting; north-2 and north-3 never do.
    api = await startDeviceHealthApi({
      devices: [...north, south],
      reporting: [north[0]!, south],
    });
  });

  after(() => api.close());

  it("lists the tenant's devices only", async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/ingest/devices/health',
      headers: { 'ngsild-tenant': 'north' },
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.count, 3);
    assert.deepEqual(
      body.devices.map((d: { deviceId: string; stale: boolean }) => [d.deviceId, d.stale]),
      [
        ['north-1', false],
        ['north-2', true],
        ['north-3', true],
      ],
    );
    assert.deepEqual(body.devices[0], {
      deviceId: 'north-1',
      entityId: 'urn:ngsi-ld:Device:north-1',
      lastSeen: '2024-05-14T10:11:00.000Z',
      messageCount: 1,
      messagesReceived: 1,
      stalePeriod: 600,
      stale: false,
      staleSince: null,
    });
    assert.doesNotMatch(response.body, /south/);
  });

  it('lists nothing for the default tenant or a tenant without devices', async () => {
    for (const headers of [{}, { 'ngsild-tenant': 'east' }] as Record<string, string>[]) {
      const response = await api.app.inject({
        method: 'GET',
        url: '/api/ingest/devices/health',
        headers,
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { devices: [], count: 0, limit: 100, offset: 0 });
    }
  });

  it('filters by stale and pages with limit and offset', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/ingest/devices/health?stale=true&limit=1&offset=1',
      headers: { 'ngsild-tenant': 'north' },
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.count, 2);
    assert.deepEqual(
      body.devices.map((d: { deviceId: string }) => d.deviceId),
      ['north-3'],
    );
  });

  it('takes the tenant from fiware-service too, and refuses disagreeing headers', async () => {
    let response = await api.app.inject({
      method: 'GET',
      url: '/api/ingest/devices/health',
      headers: { 'fiware-service': 'south' },
    });
    assert.deepEqual(
      response.json().devices.map((d: { deviceId: string }) => d.deviceId),
      ['south-1'],
    );
    response = await api.app.inject({
      method: 'GET',
      url: '/api/ingest/devices/health',
      headers: { 'fiware-service': 'south', 'ngsild-tenant': 'north' },
    });
    assert.equal(response.statusCode, 400);
  });

  it('answers 405 with Allow: GET for other verbs', async () => {
    const response = await api.app.inject({ method: 'DELETE', url: '/api/ingest/devices/health' });
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers.allow, 'GET');
  });

  it('answers 400 for bad parameters and a malformed tenant', async () => {
    for (const [url, headers] of [
      ['/api/ingest/devices/health?stale=yes', {}],
      ['/api/ingest/devices/health?limit=0', {}],
      ['/api/ingest/devices/health?limit=1001', {}],
      ['/api/ingest/devices/health?offset=-1', {}],
      ['/api/ingest/devices/health?tenant=north', {}],
      ['/api/ingest/devices/health?stale=true&stale=false', {}],
      ['/api/ingest/devices/health', { 'ngsild-tenant': '../north' }],
    ] as Array<[string, Record<string, string>]>) {
      const response = await api.app.inject({ method: 'GET', url, headers });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().type, 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
    }
  });
});
