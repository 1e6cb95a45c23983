/**
 * GET /api/ingest/devices/health: tenant-scoped, filtered, paged; bad input → 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { installErrorHandling } from '../../src/api/http/error-handler.js';
import { deviceHealthRoutes } from '../../src/api/iot/device-health.routes.js';
import { createEntityService } from '../../src/context/entity.service.js';
import { createDeviceHealthMonitor } from '../../src/ingest/health/device-health.monitor.js';
import {
  createFakeRuntime,
  provisionedDevice,
} from '../../src/ingest/lorawan/ingest-runtime.fake.js';
import { CORE_JSON_LD_CONTEXT } from '../../src/ngsi-ld/context/json-ld-context-impl.js';
import { createLogger } from '../../src/platform/logging/logger.js';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const DEVICE_TYPE = 'https://uri.etsi.org/ngsi-ld/default-context/Device';

describe('GET /api/ingest/devices/health', () => {
  let now = T0;
  const clock = () => new Date(now);
  const stores = createSqliteStores({ path: ':memory:' });
  const entities = createEntityService({
    store: stores.entityStore,
    clock,
    updateAppendsMissingAttributes: true,
  });
  const north = [1, 2, 3].map((n) =>
    provisionedDevice(
      { device_id: `north-${n}`, tenant: 'north', createdAt: new Date(T0).toISOString() },
      600,
    ),
  );
  const south = provisionedDevice(
    { device_id: 'south-1', tenant: 'south', createdAt: new Date(T0).toISOString() },
    600,
  );
  const runtime = createFakeRuntime([...north, south], clock);
  const monitor = createDeviceHealthMonitor({
    runtime,
    entities,
    contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
    intervalMs: 60_000,
    log: createLogger('silent'),
  });
  let app: FastifyInstance;

  before(async () => {
    for (const device of [...north, south]) {
      await entities.createEntity(device.device.tenant, {
        id: `urn:ngsi-ld:Device:${device.device.device_id}`,
        type: [DEVICE_TYPE],
        attrs: {},
      });
    }
    // north-1 and south-1 keep reporting; north-2 and north-3 never do.
    now = T0 + 11 * 60_000;
    for (const device of [north[0]!, south]) {
      await runtime.sink.submit({
        device,
        values: { pm10: 12 },
        receivedAt: new Date(now).toISOString(),
        transport: 'lorawan',
      });
    }
    await monitor.tick();
    app = Fastify();
    installErrorHandling(app);
    deviceHealthRoutes(app, { health: monitor });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await monitor.stop();
    await stores.close();
  });

  it("lists the tenant's devices only", async () => {
    const response = await app.inject({
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
      const response = await app.inject({
        method: 'GET',
        url: '/api/ingest/devices/health',
        headers,
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { devices: [], count: 0, limit: 100, offset: 0 });
    }
  });

  it('filters by stale and pages with limit and offset', async () => {
    const response = await app.inject({
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
    let response = await app.inject({
      method: 'GET',
      url: '/api/ingest/devices/health',
      headers: { 'fiware-service': 'south' },
    });
    assert.deepEqual(
      response.json().devices.map((d: { deviceId: string }) => d.deviceId),
      ['south-1'],
    );
    response = await app.inject({
      method: 'GET',
      url: '/api/ingest/devices/health',
      headers: { 'fiware-service': 'south', 'ngsild-tenant': 'north' },
    });
    assert.equal(response.statusCode, 400);
  });

  it('answers 405 with Allow: GET for other verbs', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/api/ingest/devices/health' });
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
      const response = await app.inject({ method: 'GET', url, headers });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().type, 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
    }
  });
});
