/**
 * GET /api/ingest/devices/health pages in the store: only the requested page's Device
 * entities are read (and, with `stale`, the stale ones, filtered by the store), whatever
 * the number of devices; count is every match.
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
const TENANT = { 'ngsild-tenant': 'city' };

describe('GET /api/ingest/devices/health paging', () => {
  let now = T0;
  const clock = () => new Date(now);
  const stores = createSqliteStores({ path: ':memory:' });
  const service = createEntityService({
    store: stores.entityStore,
    clock,
    updateAppendsMissingAttributes: true,
  });
  /** Device entities the store handed to the monitor since the last reset. */
  let entitiesRead = 0;
  const entities = {
    ...service,
    queryEntities: async (...args: Parameters<typeof service.queryEntities>) => {
      const page = await service.queryEntities(...args);
      entitiesRead += page.entities.length;
      return page;
    },
  };
  // d00…d09: d03 and d07 never report (stale), the others do.
  const devices = Array.from({ length: 10 }, (_, n) =>
    provisionedDevice(
      { device_id: `d0${n}`, tenant: 'city', createdAt: new Date(T0).toISOString() },
      600,
    ),
  );
  const runtime = createFakeRuntime(devices, clock);
  const monitor = createDeviceHealthMonitor({
    runtime,
    entities,
    contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
    intervalMs: 60_000,
    log: createLogger('silent'),
  });
  let app: FastifyInstance;

  async function list(query: string) {
    entitiesRead = 0;
    const response = await app.inject({
      method: 'GET',
      url: `/api/ingest/devices/health${query}`,
      headers: TENANT,
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as { devices: Array<{ deviceId: string }>; count: number };
    return { ids: body.devices.map((d) => d.deviceId), count: body.count, read: entitiesRead };
  }

  before(async () => {
    for (const device of devices) {
      await service.createEntity('city', {
        id: `urn:ngsi-ld:Device:${device.device.device_id}`,
        type: [DEVICE_TYPE],
        attrs: {},
      });
    }
    now = T0 + 11 * 60_000;
    for (const device of devices.filter((_, n) => n !== 3 && n !== 7)) {
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

  it('reads only the Device entities of the page; count is every device', async () => {
    assert.deepEqual(await list('?limit=3&offset=2'), {
      ids: ['d02', 'd03', 'd04'],
      count: 10,
      read: 3,
    });
  });

  it('reads nothing for an offset past the end, and still counts', async () => {
    assert.deepEqual(await list('?offset=10'), { ids: [], count: 10, read: 0 });
  });

  it('filters stale in the store: reads the stale entities and the page, not every device', async () => {
    assert.deepEqual(await list('?stale=true&limit=1&offset=1'), {
      ids: ['d07'],
      count: 2,
      read: 2 + 1,
    });
    assert.deepEqual(await list('?stale=false&limit=5&offset=5'), {
      ids: ['d06', 'd08', 'd09'],
      count: 8,
      read: 2 + 3,
    });
  });
});
