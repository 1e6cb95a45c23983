/**
 * Mounts the NGSI-LD route table on Fastify: tenant, parameter allow-list, Content-Type,
 * Accept and @context handling happen here once (errors.md §2 order), so that handlers see
 * only a checked NgsiRequest. Also answers 405 with Allow for wrong verbs on known paths.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';
import {
  badRequestData,
  notAcceptable,
  unsupportedMediaType,
} from '../../ngsi-ld/problem-details.js';
import { contextUrlFromLink, linkHeaderFor } from '../http/link-header.js';
import { refuseOtherMethods } from '../http/method-not-allowed.js';
import {
  MEDIA_GEO_JSON,
  MEDIA_JSON,
  MEDIA_JSON_LD,
  MEDIA_MERGE_PATCH,
  mediaTypeOf,
  negotiate,
} from '../http/media-types.js';
import { QueryParams } from './query-params.js';
import type { HttpMethod, NgsiReply, RouteSpec } from './route-spec.js';

export const NGSI_LD_PREFIX = '/ngsi-ld/v1';
const TENANT_HEADER = 'ngsild-tenant';

export interface NgsiLdPluginDeps {
  routes: readonly RouteSpec[];
  resolveContext(raw: unknown): Promise<JsonLdContext>;
  assertTenantExists(tenant: string): Promise<void>;
}

export async function registerNgsiLdRoutes(
  app: FastifyInstance,
  deps: NgsiLdPluginDeps,
): Promise<void> {
  const byUrl = new Map<string, Set<HttpMethod>>();
  for (const spec of deps.routes) {
    const url = NGSI_LD_PREFIX + spec.url;
    byUrl.set(url, (byUrl.get(url) ?? new Set()).add(spec.method));
    app.route({
      method: spec.method,
      url,
      config: { action: spec.action },
      handler: (request, reply) => handle(spec, request, reply, deps),
    });
  }
  refuseOtherMethods(app, byUrl);
}

async function handle(
  spec: RouteSpec,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: NgsiLdPluginDeps,
): Promise<void> {
  const tenant = readTenant(request);
  if (tenant !== DEFAULT_TENANT) reply.header('NGSILD-Tenant', tenant);
  if (!spec.createsTenant && !spec.tenantless) await deps.assertTenantExists(tenant);

  const query = new QueryParams(
    request.query as Record<string, unknown>,
    spec.query,
    spec.unsupportedQuery,
  );
  const bodyType = spec.body ? checkContentType(spec, request) : undefined;
  const responseType = spec.produces ? negotiate(request.headers.accept, spec.produces) : undefined;
  if (spec.produces && !responseType) {
    throw notAcceptable(
      `Accept '${request.headers.accept}' matches none of ${spec.produces.join(', ')}`,
    );
  }
  const body: unknown = spec.body ? request.body : undefined;
  const rawContext = spec.bodyIsContextDocument
    ? undefined
    : requestContext(request, bodyType, body);
  const context = await deps.resolveContext(rawContext);

  const result = await spec.handler({
    tenant,
    params: { ...(request.params as Record<string, string>) },
    query,
    body,
    context,
    responseType,
    headers: request.headers,
    resolveItemContext: (item) => deps.resolveContext(itemContext(item, bodyType, rawContext)),
  });
  send(reply, result, responseType, context, request);
}

/** The tenant of a request (NGSILD-Tenant; the default tenant without it). */
export function readTenant(request: FastifyRequest): string {
  const header = request.headers[TENANT_HEADER];
  if (header === undefined) return DEFAULT_TENANT;
  const tenant = Array.isArray(header) ? header[0] : header;
  if (tenant === undefined || !/^[A-Za-z0-9_-]{1,64}$/.test(tenant)) {
    throw badRequestData('NGSILD-Tenant must be 1–64 letters, digits, "_" or "-"');
  }
  return tenant;
}

function checkContentType(spec: RouteSpec, request: FastifyRequest): string {
  const type = mediaTypeOf(request.headers['content-type']);
  const allowed =
    spec.method === 'PATCH'
      ? [MEDIA_JSON, MEDIA_JSON_LD, MEDIA_MERGE_PATCH]
      : [MEDIA_JSON, MEDIA_JSON_LD];
  if (type === undefined || !allowed.includes(type)) {
    throw unsupportedMediaType(`Content-Type must be one of ${allowed.join(', ')}`);
  }
  return type;
}

/** contexts.md §1: the table of Content-Type × Link × body @context. */
function requestContext(
  request: FastifyRequest,
  bodyType: string | undefined,
  body: unknown,
): unknown {
  const linked = contextUrlFromLink(request.headers.link);
  if (bodyType === undefined) return linked;
  if (bodyType === MEDIA_JSON_LD) {
    if (linked !== undefined)
      throw badRequestData('A JSON-LD Link header must not accompany an application/ld+json body');
    if (Array.isArray(body)) return undefined;
    if (!isObject(body) || body['@context'] === undefined)
      throw badRequestData('An application/ld+json body must carry @context');
    return body['@context'];
  }
  const items = Array.isArray(body) ? body : [body];
  if (items.some((item) => isObject(item) && item['@context'] !== undefined)) {
    throw badRequestData(
      'An application/json body must not carry @context; use application/ld+json or a Link header',
    );
  }
  return linked;
}

function itemContext(item: unknown, bodyType: string | undefined, requestLevel: unknown): unknown {
  if (bodyType !== MEDIA_JSON_LD) return requestLevel;
  if (!isObject(item) || item['@context'] === undefined)
    throw badRequestData('Each element of an application/ld+json array must carry @context');
  return item['@context'];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function send(
  reply: FastifyReply,
  result: NgsiReply,
  responseType: string | undefined,
  context: JsonLdContext,
  request: FastifyRequest,
): void {
  reply.status(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  if (result.body === undefined) {
    reply.send();
    return;
  }
  const placement = result.context ?? 'each';
  const links: string[] = [];
  const existingLink = reply.getHeader('Link');
  if (typeof existingLink === 'string') links.push(existingLink);
  let body = result.body as object;
  if (placement === 'each') {
    const preferJson = /body=json/i.test(String(request.headers.prefer ?? ''));
    if (responseType === MEDIA_JSON_LD || (responseType === MEDIA_GEO_JSON && !preferJson)) {
      body = withContext(body, context, responseType === MEDIA_GEO_JSON);
    } else {
      links.unshift(linkHeaderFor(context.linkUrl));
    }
  }
  if (links.length > 0) reply.header('Link', links.join(', '));
  reply.type(responseType ?? MEDIA_JSON).send(body);
}

function withContext(body: object, context: JsonLdContext, topLevelOnly: boolean): object {
  if (Array.isArray(body) && !topLevelOnly)
    return body.map((item) =>
      isObject(item) ? { ...item, '@context': context.bodyContext } : item,
    );
  if (isObject(body)) return { ...body, '@context': context.bodyContext };
  return body;
}
