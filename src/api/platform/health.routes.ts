/** Liveness and readiness probes for load balancers and orchestrators. */
import type { FastifyInstance } from 'fastify';
import type { EntityStore } from '../../context/ports/entity-store.port.js';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';
import { serviceUnavailable } from '../../ngsi-ld/problem-details.js';

export function healthRoutes(
  app: FastifyInstance,
  deps: { entityStore: EntityStore; version: string },
): void {
  app.get('/health', async () => ({ status: 'ok', version: deps.version }));
  app.get('/ready', async () => {
    try {
      await deps.entityStore.hasTenant(DEFAULT_TENANT);
    } catch (error) {
      throw serviceUnavailable(`Storage is not reachable: ${(error as Error).message}`);
    }
    return { status: 'ready' };
  });
}
