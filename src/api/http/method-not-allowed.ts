/**
 * 405 Method Not Allowed with an `Allow` header for every URL of a route table, on the
 * methods it does not route (NGSI-LD and the IoT Agent API alike).
 */
import type { FastifyInstance } from 'fastify';
import { methodNotAllowed } from '../../ngsi-ld/problem-details.js';
import type { HttpMethod } from '../ngsi-ld/route-spec.js';

const METHODS: HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/** `routed`: the methods routed on each URL. */
export function refuseOtherMethods(
  app: FastifyInstance,
  routed: ReadonlyMap<string, ReadonlySet<HttpMethod>>,
): void {
  for (const [url, methods] of routed) {
    const allow = [...methods].join(', ');
    const missing = METHODS.filter((m) => !methods.has(m));
    if (missing.length === 0) continue;
    app.route({
      method: missing,
      url,
      handler: async (request, reply) => {
        reply.header('Allow', allow);
        throw methodNotAllowed(`${request.method} is not allowed on ${url}; allowed: ${allow}`);
      },
    });
  }
}
