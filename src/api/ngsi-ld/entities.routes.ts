/** /entities and /entities/{id} — NGSI-LD 6.4 and 6.5. */
import type { EntityService } from '../../context/entity.service.js';
import { parseEntity, parseEntityFragment } from '../../ngsi-ld/entity/entity-parser.js';
import { assertDateTime } from '../../ngsi-ld/entity/names.js';
import { MEDIA_GEO_JSON, MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { renderEntityList } from './entity-rendering.js';
import { buildEntityQuery, filterFromParams } from './entity-query.builder.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';
import { parsePagination, parseRepresentation } from './query-params.js';
import { replyToQuery } from './query-reply.js';
import { checkBodyId, entityId, resourceLocation, typeGuard, updateReply } from './route-params.js';
import type { RouteSpec } from './route-spec.js';

export interface EntityRoutesDeps {
  entities: EntityService;
  paging: { defaultPageSize: number; maxPageSize: number };
}

const READ_PARAMS = [
  'format',
  'options',
  'attrs',
  'pick',
  'omit',
  'lang',
  'datasetId',
  'geometryProperty',
  'local',
  'type',
];
/**
 * What selects and pages the entities of a query (NGSI-LD 6.4.3.2); `type` comes with the
 * read parameters here, as the type guard of a single entity.
 */
export const ENTITY_SELECTION_PARAMS = [
  'id',
  'idPattern',
  'q',
  'scopeQ',
  'georel',
  'geometry',
  'coordinates',
  'geoproperty',
  'csf',
  'limit',
  'offset',
  'count',
];
/** Standard parameters Civis does not implement yet: 501 rather than a silent ignore. */
export const NOT_BUILT_PARAMS = [
  'join',
  'joinLevel',
  'containedBy',
  'orderBy',
  'collation',
  'orderFrom',
  'orderGeometry',
  'expandValues',
  'jsonKeys',
  'entityMap',
];
const ENTITY_MEDIA = [MEDIA_JSON, MEDIA_JSON_LD, MEDIA_GEO_JSON] as const;

export function entityRoutes(deps: EntityRoutesDeps): RouteSpec[] {
  const { entities } = deps;
  return [
    {
      method: 'POST',
      url: '/entities',
      action: 'entity:create',
      summary: 'Create Entity',
      clause: '5.6.1',
      createsTenant: true,
      body: true,
      query: ['local'],
      async handler(request) {
        const parsed = parseEntity(request.body, request.context);
        await entities.createEntity(request.tenant, parsed);
        return { status: 201, headers: { Location: resourceLocation('entities', parsed.id) } };
      },
    },
    {
      method: 'GET',
      url: '/entities',
      action: 'entity:read',
      summary: 'Query Entities',
      clause: '5.7.2',
      query: [...READ_PARAMS, ...ENTITY_SELECTION_PARAMS],
      unsupportedQuery: NOT_BUILT_PARAMS,
      produces: ENTITY_MEDIA,
      async handler(request) {
        const q = request.query;
        const page = parsePagination(q, deps.paging);
        const query = buildEntityQuery(filterFromParams(q), request.context, page);
        return replyToQuery(request, entities, query, page, `${NGSI_LD_PREFIX}/entities`);
      },
    },
    {
      method: 'GET',
      url: '/entities/:entityId',
      action: 'entity:read',
      summary: 'Retrieve Entity',
      clause: '5.7.1',
      query: READ_PARAMS,
      unsupportedQuery: NOT_BUILT_PARAMS,
      produces: ENTITY_MEDIA,
      async handler(request) {
        const id = entityId(request);
        const entity = await entities.retrieveEntity(
          request.tenant,
          id,
          typeGuard(request.query, request.context),
        );
        const [rendered] = renderEntityList(request, [entity], { retrieving: true });
        return { status: 200, body: rendered };
      },
    },
    {
      method: 'DELETE',
      url: '/entities/:entityId',
      action: 'entity:delete',
      summary: 'Delete Entity',
      clause: '5.6.6',
      query: ['type', 'local'],
      async handler(request) {
        await entities.deleteEntity(
          request.tenant,
          entityId(request),
          typeGuard(request.query, request.context),
        );
        return { status: 204 };
      },
    },
    {
      method: 'PATCH',
      url: '/entities/:entityId',
      action: 'entity:write',
      summary: 'Merge Entity',
      clause: '5.6.17',
      body: true,
      query: ['type', 'format', 'options', 'lang', 'observedAt', 'local'],
      async handler(request) {
        const id = entityId(request);
        const simplified = parseRepresentation(request.query).format === 'simplified';
        const fragment = parseEntityFragment(request.body, request.context, {
          allowNull: true,
          simplified,
          requireNonEmpty: true,
          payloadOptional: true,
        });
        checkBodyId(fragment.id, id);
        const observedAt = request.query.get('observedAt');
        if (observedAt !== undefined) assertDateTime(observedAt, 'observedAt');
        const result = await entities.mergeEntity(request.tenant, id, fragment, {
          observedAt,
          lang: request.query.get('lang'),
          simplified,
          typeGuard: typeGuard(request.query, request.context),
        });
        return updateReply(result);
      },
    },
    {
      method: 'PUT',
      url: '/entities/:entityId',
      action: 'entity:write',
      summary: 'Replace Entity',
      clause: '5.6.18',
      body: true,
      query: ['type', 'local'],
      async handler(request) {
        const id = entityId(request);
        const body = request.body;
        const withId =
          isRecord(body) && body['id'] === undefined && body['@id'] === undefined
            ? { ...body, id }
            : body;
        const parsed = parseEntity(withId, request.context);
        checkBodyId(parsed.id, id);
        await entities.replaceEntity(
          request.tenant,
          id,
          parsed,
          typeGuard(request.query, request.context),
        );
        return { status: 204 };
      },
    },
  ];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
