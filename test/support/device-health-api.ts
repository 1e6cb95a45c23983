/**
 * GET /api/ingest/devices/health over a real monitor and SQLite in memory, for the API
 * tests: every device gets its Device entity at HEALTH_T0 (stale period 600 s, see
 * healthDevice); eleven minutes later the `reporting` devices send a measurement and the
 * others stay silent, so the monitor's first tick finds those stale.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { installErrorHandling } from '../../src/api/http/error-handler.js';
import { deviceHealthRoutes } from '../../src/api/iot/device-health.routes.js';
import { createEntityService, type EntityService } from '../../src/context/entity.service.js';
import type { ProvisionedDevice } from '../../src/ingest/devices/device.model.js';
import {
  createDeviceHealthMonitor,
  type DeviceHealthEntities,
} from '../../src/ingest/health/device-health.monitor.js';
import {
  createFakeRuntime,
  provisionedDevice,
} from '../../src/ingest/lorawan/ingest-runtime.fake.js';
import { CORE_JSON_LD_CONTEXT } from '../../src/ngsi-ld/context/json-ld-context-impl.js';
import { createLogger } from '../../src/platform/logging/logger.js';

export const HEALTH_T0 = Date.parse('2024-05-14T10:00:00.000Z');
const DEVICE_TYPE = 'https://uri.etsi.org/ngsi-ld/default-context/Device';

/** A device provisioned at HEALTH_T0 that is stale after 600 s of silence. */
export function healthDevice(deviceId: string, tenant: string): ProvisionedDevice {
  return provisionedDevice(
    { device_id: deviceId, tenant, createdAt: new Date(HEALTH_T0).toISOString() },
    600,
  );
}

export interface DeviceHealthApi {
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startDeviceHealthApi(options: {
  devices: ProvisionedDevice[];
  reporting: ProvisionedDevice[];
  /** What the monitor reads and writes through (default: the entity service itself). */
  monitorEntities?: (service: EntityService) => DeviceHealthEntities;
}): Promise<DeviceHealthApi> {
  let now = HEALTH_T0;
  const clock = () => new Date(now);
  const stores = createSqliteStores({ path: ':memory:' });
  const service = createEntityService({
    store: stores.entityStore,
    clock,
    updateAppendsMissingAttributes: true,
  });
  const runtime = createFakeRuntime(options.devices, clock);
  const monitor = createDeviceHealthMonitor({
    runtime,
    entities: options.monitorEntities?.(service) ?? service,
    contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
    intervalMs: 60_000,
    log: createLogger('silent'),
  });
  for (const device of options.devices) {
    await service.createEntity(device.device.tenant, {
      id: `urn:ngsi-ld:Device:${device.device.device_id}`,
      type: [DEVICE_TYPE],
      attrs: {},
    });
  }
  now = HEALTH_T0 + 11 * 60_000;
  for (const device of options.reporting) {
    await runtime.sink.submit({
      device,
      values: { pm10: 12 },
      receivedAt: new Date(now).toISOString(),
      transport: 'lorawan',
    });
  }
  await monitor.tick();
  const app = Fastify();
  installErrorHandling(app);
  deviceHealthRoutes(app, { health: monitor });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await monitor.stop();
      await stores.close();
    },
  };
}
