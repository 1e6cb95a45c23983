/**
 * How an IoT Agent API route is declared and mounted: like the NGSI-LD route table
 * (../ngsi-ld/route-spec.ts), one entry per operation with the action it performs (for the
 * authorisation layer, in the route's Fastify `config.action`), its allowed query
 * parameters and whether it reads a JSON body. Tenant and service path headers, the query
 * allow-list and Content-Type are checked here once; wrong verbs get 405 with Allow.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequestData, unsupportedMediaType } from '../../ngsi-ld/problem-details.js';
import { MEDIA_JSON, mediaTypeOf } from '../http/media-types.js';
import { refuseOtherMethods } from '../http/method-not-allowed.js';
import type { HttpMethod } from '../ngsi-ld/route-spec.js';
import { QueryParams } from '../ngsi-ld/query-params.js';
import { readIotScope, type IotScope } from './iot-scope.js';

export type IotAction = 'device:read' | 'device:write';

export interface IotRequest extends IotScope {
  params: Record<string, string>;
  query: QueryParams;
  /** The parsed JSON body (routes with `body: true`). */
  body: unknown;
}

export interface IotReply {
  status: number;
  body?: unknown;
}

export interface IotRouteSpec {
  method: HttpMethod;
  /** Full path in Fastify syntax. */
  url: string;
  action: IotAction;
  summary: string;
  query: readonly string[];
  body?: boolean;
  /** `fiware-servicepath: /*` (every path) is allowed. */
  wildcardServicePath?: boolean;
  handler(request: IotRequest): Promise<IotReply>;
}

export function registerIotRoutes(app: FastifyInstance, routes: readonly IotRouteSpec[]): void {
  const byUrl = new Map<string, Set<HttpMethod>>();
  for (const spec of routes) {
    byUrl.set(spec.url, (byUrl.get(spec.url) ?? new Set()).add(spec.method));
    app.route({
      method: spec.method,
      url: spec.url,
      config: { action: spec.action },
      handler: async (request, reply) => {
        const result = await spec.handler(readRequest(spec, request));
        reply.status(result.status);
        if (result.body === undefined) return reply.send();
        return reply.type(MEDIA_JSON).send(result.body);
      },
    });
  }
  refuseOtherMethods(app, byUrl);
}

function readRequest(spec: IotRouteSpec, request: FastifyRequest): IotRequest {
  const scope = readIotScope(request.headers, { wildcard: spec.wildcardServicePath ?? false });
  const query = new QueryParams(request.query as Record<string, unknown>, spec.query);
  if (spec.body) {
    if (mediaTypeOf(request.headers['content-type']) !== MEDIA_JSON)
      throw unsupportedMediaType(`Content-Type must be ${MEDIA_JSON}`);
    if (request.body === undefined) throw badRequestData('The request needs a JSON body');
  }
  return {
    ...scope,
    params: { ...(request.params as Record<string, string>) },
    query,
    body: spec.body ? request.body : undefined,
  };
}
