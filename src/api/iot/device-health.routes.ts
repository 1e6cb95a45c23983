/**
 * GET /api/ingest/devices/health (docs/lorawan-and-device-health.md): the health of one
 * tenant's devices (NGSILD-Tenant or fiware-service) — last report (any instance's, once
 * flushed), message counts, stale period and state. Query: stale=true|false, limit
 * (1–1000, default 100), offset.
 */
import type { FastifyInstance } from 'fastify';
import type { DeviceHealthMonitor } from '../../ingest/health/device-health.monitor.js';
import { badRequestData, methodNotAllowed } from '../../ngsi-ld/problem-details.js';
import { QueryParams } from '../ngsi-ld/query-params.js';
import { readIotScope } from './iot-scope.js';

export const DEVICE_HEALTH_PATH = '/api/ingest/devices/health';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function deviceHealthRoutes(
  app: FastifyInstance,
  deps: { health: Pick<DeviceHealthMonitor, 'report'> },
): void {
  // The action is the authorisation layer's hook, as for the provisioning API.
  app.get(DEVICE_HEALTH_PATH, { config: { action: 'device:read' } }, async (request) => {
    const { tenant } = readIotScope(request.headers, { wildcard: true });
    const query = new QueryParams(request.query as Record<string, unknown>, [
      'stale',
      'limit',
      'offset',
    ]);
    const staleOnly = query.has('stale') ? query.boolean('stale') : undefined;
    const limit = query.nonNegativeInt('limit') ?? DEFAULT_LIMIT;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw badRequestData(`limit must be from 1 to ${MAX_LIMIT}`);
    }
    const offset = query.nonNegativeInt('offset') ?? 0;

    const selection = { ...(staleOnly === undefined ? {} : { stale: staleOnly }), limit, offset };
    const { devices, count } = await deps.health.report(tenant, selection);
    return { devices, count, limit, offset };
  });
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: DEVICE_HEALTH_PATH,
    handler: async (request, reply) => {
      reply.header('Allow', 'GET');
      throw methodNotAllowed(
        `${request.method} is not allowed on ${DEVICE_HEALTH_PATH}; allowed: GET`,
      );
    },
  });
}
