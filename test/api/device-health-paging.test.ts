/**
 * GET /api/ingest/devices/health pages in the store: only the requested page's Device
 * entities are read (and, with `stale`, the stale ones, filtered by the store), whatever
 * the number of devices; count is every match.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  healthDevice,
  startDeviceHealthApi,
  type DeviceHealthApi,
} from '../support/device-health-api.js';

const TENANT = { 'ngsild-tenant': 'city' };

describe('GET /api/ingest/devices/health paging', () => {
  /** Device entities the store handed to the monitor since the last reset. */
  let entitiesRead = 0;
  // d00…d09: d03 and d07 never report (stale), the others do.
  const devices = Array.from({ length: 10 }, (_, n) => healthDevice(`d0${n}`, 'city'));
  let api: DeviceHealthApi;

  async function list(query: string) {
    entitiesRead = 0;
    const response = await api.app.inject({
      method: 'GET',
      url: `/api/ingest/devices/health${query}`,
      headers: TENANT,
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as { devices: Array<{ deviceId: string }>; count: number };
    return { ids: body.devices.map((d) => d.deviceId), count: body.count, read: entitiesRead };
  }

  before(async () => {
    api = await startDeviceHealthApi({
      devices,
      reporting: devices.filter((_, n) => n !== 3 && n !== 7),
      monitorEntities: (service) => ({
        ...service,
        queryEntities: async (...args: Parameters<typeof service.queryEntities>) => {
          const page = await service.queryEntities(...args);
          entitiesRead += page.entities.length;
          return page;
        },
      }),
    });
  });

  after(() => api.close());

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
