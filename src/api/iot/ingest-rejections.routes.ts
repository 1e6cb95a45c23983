/**
 * GET /api/ingest/rejections?reason=&deviceId=&limit=&offset= (docs/ingest.md, "Rejections"):
 * the newest rejected device messages of one tenant, newest first, with the number matching
 * the filters and the count per reason. The tenant is NGSILD-Tenant or FIWARE's
 * fiware-service header; rejections whose tenant is unknown (no device matched) belong to
 * the default tenant only. Apikeys are shown shortened.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { REJECTION_REASONS, type Rejection } from '../../ingest/ingest.types.js';
import type { RejectionStore } from '../../ingest/ports/rejection-store.port.js';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';
import { badRequestData, methodNotAllowed } from '../../ngsi-ld/problem-details.js';

export const INGEST_REJECTIONS_PATH = '/api/ingest/rejections';

export interface IngestRejectionRoutesDeps {
  rejections: {
    readonly store: RejectionStore;
    /** Writes the rejections still buffered, so that a listing shows them. */
    flush(): Promise<void>;
  };
}

const PARAMETERS = new Set(['reason', 'deviceId', 'limit', 'offset']);
const REASONS: ReadonlySet<string> = new Set(REJECTION_REASONS);
const TENANT = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_OFFSET = 1_000_000;

export function ingestRejectionRoutes(app: FastifyInstance, deps: IngestRejectionRoutesDeps): void {
  app.get(INGEST_REJECTIONS_PATH, async (request) => {
    const tenant = readTenant(request);
    const query = request.query as Record<string, unknown>;
    const unknown = Object.keys(query).filter((name) => !PARAMETERS.has(name));
    if (unknown.length > 0)
      throw badRequestData(
        `Unknown query parameter(s) ${unknown.map((n) => `'${n.slice(0, 40)}'`).join(', ')}; allowed: reason, deviceId, limit, offset`,
      );
    const reason = single(query, 'reason');
    if (reason !== undefined && !REASONS.has(reason))
      throw badRequestData(`reason must be one of ${REJECTION_REASONS.join(', ')}`);
    const deviceId = single(query, 'deviceId');
    if (deviceId !== undefined && (deviceId === '' || deviceId.length > 256))
      throw badRequestData('deviceId must be 1–256 characters');
    const limit = integer(query, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
    const offset = integer(query, 'offset', 0, 0, MAX_OFFSET);

    await deps.rejections.flush();
    const filter = {
      tenant,
      ...(reason === undefined ? {} : { reason }),
      ...(deviceId === undefined ? {} : { deviceId }),
    };
    const [page, countsByReason] = await Promise.all([
      deps.rejections.store.list({ ...filter, limit, offset }),
      deps.rejections.store.countByReason(tenant),
    ]);
    return {
      rejections: page.rejections.map(present),
      count: page.count,
      countsByReason,
      limit,
      offset,
    };
  });
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: INGEST_REJECTIONS_PATH,
    handler: async (request, reply) => {
      reply.header('Allow', 'GET');
      throw methodNotAllowed(
        `${request.method} is not allowed on ${INGEST_REJECTIONS_PATH}; allowed: GET`,
      );
    },
  });
}

/** NGSILD-Tenant, or FIWARE's fiware-service; both given must agree. */
function readTenant(request: FastifyRequest): string {
  const values = ['ngsild-tenant', 'fiware-service'].flatMap((name) => {
    const header = request.headers[name];
    if (header === undefined) return [];
    if (Array.isArray(header) || !TENANT.test(header))
      throw badRequestData(`${name} must be 1–64 letters, digits, "_" or "-"`);
    return [header];
  });
  const [first, second] = values;
  if (first !== undefined && second !== undefined && first !== second)
    throw badRequestData('NGSILD-Tenant and fiware-service name different tenants');
  return first ?? DEFAULT_TENANT;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequestData(`${name} is given more than once`);
  return value;
}

function integer(
  query: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = single(query, name);
  if (text === undefined) return fallback;
  const value = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max))
    throw badRequestData(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** What a listing shows: the tenant is the caller's, an apikey only its first characters. */
function present(rejection: Rejection): Omit<Rejection, 'tenant'> {
  const { tenant: _tenant, apikey, ...shown } = rejection;
  return apikey === undefined ? shown : { ...shown, apikey: shortened(apikey) };
}

function shortened(apikey: string): string {
  return apikey.length <= 4 ? '…' : `${apikey.slice(0, 4)}…`;
}
