/** /entities and /entities/{id}[/attrs[/{attrId}]] — NGSI-LD 6.4–6.7. */
import type { EntityService } from '../../context/entity.service.js';
import {
  parseAttributeFragment,
  parseEntity,
  parseEntityFragment,
} from '../../ngsi-ld/entity/entity-parser.js';
import { renderEntity, renderGeoJsonFeature } from '../../ngsi-ld/entity/entity-renderer.js';
import type { UpdateResult } from '../../ngsi-ld/entity/operations/index.js';
import { assertDateTime, assertUri, isValidAttributeName } from '../../ngsi-ld/entity/names.js';
import { badRequestData, resourceNotFound } from '../../ngsi-ld/problem-details.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { parseTypeSelector } from '../../ngsi-ld/query/type-selector.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { MEDIA_GEO_JSON, MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { buildEntityQuery } from './entity-query.builder.js';
import { parsePagination, parseRepresentation, type QueryParams } from './query-params.js';
import {
  parseGeometryProperty,
  parseRenderOptions,
  type ProjectionValues,
} from './representation.js';
import type { NgsiReply, NgsiRequest, RouteSpec } from './route-spec.js';
import { paginationLinks } from './pagination-links.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';

export interface EntityRoutesDeps {
  entities: EntityService;
  paging: { defaultPageSize: number; maxPageSize: number };
}

const READ_FORMATS = [
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
] as const;
const QUERY_FILTERS = [
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
] as const;
const NOT_BUILT = [
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

export function entityId(request: NgsiRequest): string {
  const id = request.params['entityId'] ?? '';
  assertUri(id, 'entity id');
  return id;
}

export function attributeIri(request: NgsiRequest): string {
  const name = request.params['attrId'] ?? '';
  if (!isValidAttributeName(name)) throw badRequestData(`'${name}' is not a valid attribute name`);
  return request.context.expandTerm(name);
}

function typeGuard(query: QueryParams, context: JsonLdContext) {
  const type = query.get('type');
  return type === undefined ? undefined : parseTypeSelector(type, (t) => context.expandTerm(t));
}

/** 204, or 207 with the UpdateResult when some attribute was not updated (NGSI-LD 5.6.2/5.6.3). */
export function updateReply(result: UpdateResult): NgsiReply {
  if (result.notUpdated.length === 0) return { status: 204 };
  return { status: 207, body: result, context: 'none' };
}

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
        return {
          status: 201,
          headers: { Location: `${NGSI_LD_PREFIX}/entities/${encodeURIComponent(parsed.id)}` },
        };
      },
    },
    {
      method: 'GET',
      url: '/entities',
      action: 'entity:read',
      summary: 'Query Entities',
      clause: '5.7.2',
      query: [...READ_FORMATS, ...QUERY_FILTERS],
      unsupportedQuery: NOT_BUILT,
      produces: [MEDIA_JSON, MEDIA_JSON_LD, MEDIA_GEO_JSON],
      async handler(request) {
        const q = request.query;
        const page = parsePagination(q, deps.paging);
        const query = buildEntityQuery(
          {
            id: q.list('id'),
            idPattern: q.get('idPattern'),
            type: q.get('type'),
            attrs: q.list('attrs'),
            q: q.get('q'),
            scopeQ: q.get('scopeQ'),
            georel: q.get('georel'),
            geometry: q.get('geometry'),
            coordinates: q.get('coordinates'),
            geoproperty: q.get('geoproperty'),
            local: q.boolean('local'),
          },
          request.context,
          page,
        );
        const result = await entities.queryEntities(request.tenant, query);
        const headers: Record<string, string> = {};
        if (page.count) headers['NGSILD-Results-Count'] = String(result.totalCount ?? 0);
        const links = paginationLinks(
          `${NGSI_LD_PREFIX}/entities`,
          request.query,
          page,
          result.entities.length,
          result.totalCount,
        );
        if (links) headers['Link'] = links;
        const rendered = renderEntityList(request, result.entities);
        const body =
          request.responseType === MEDIA_GEO_JSON
            ? { type: 'FeatureCollection', features: rendered }
            : rendered;
        return { status: 200, headers, body };
      },
    },
    {
      method: 'GET',
      url: '/entities/:entityId',
      action: 'entity:read',
      summary: 'Retrieve Entity',
      clause: '5.7.1',
      query: READ_FORMATS,
      unsupportedQuery: NOT_BUILT,
      produces: [MEDIA_JSON, MEDIA_JSON_LD, MEDIA_GEO_JSON],
      async handler(request) {
        const id = entityId(request);
        const entity = await entities.retrieveEntity(
          request.tenant,
          id,
          typeGuard(request.query, request.context),
        );
        const [rendered] = renderEntityList(request, [entity], true);
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
        const { format } = parseRepresentation(request.query);
        const simplified = format === 'simplified';
        const fragment = parseEntityFragment(request.body, request.context, {
          allowNull: true,
          simplified,
          requireNonEmpty: true,
        });
        checkFragmentId(fragment.id, id);
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
        checkFragmentId(parsed.id, id);
        await entities.replaceEntity(
          request.tenant,
          id,
          parsed,
          typeGuard(request.query, request.context),
        );
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      url: '/entities/:entityId/attrs',
      action: 'entity:write',
      summary: 'Append Entity Attributes',
      clause: '5.6.3',
      body: true,
      query: ['options', 'type', 'local'],
      async handler(request) {
        const id = entityId(request);
        const noOverwrite = request.query.options(['noOverwrite']).has('noOverwrite');
        const fragment = parseEntityFragment(request.body, request.context, {
          allowNull: false,
          requireNonEmpty: true,
        });
        checkFragmentId(fragment.id, id);
        const result = await entities.appendAttributes(request.tenant, id, fragment, {
          noOverwrite,
          typeGuard: typeGuard(request.query, request.context),
        });
        return updateReply(result);
      },
    },
    {
      method: 'PATCH',
      url: '/entities/:entityId/attrs',
      action: 'entity:write',
      summary: 'Update Entity Attributes',
      clause: '5.6.2',
      body: true,
      query: ['type', 'local', 'options'],
      async handler(request) {
        const id = entityId(request);
        request.query.options([]);
        const fragment = parseEntityFragment(request.body, request.context, {
          allowNull: true,
          requireNonEmpty: true,
        });
        checkFragmentId(fragment.id, id);
        const result = await entities.updateAttributes(
          request.tenant,
          id,
          fragment,
          typeGuard(request.query, request.context),
        );
        return updateReply(result);
      },
    },
    {
      method: 'PATCH',
      url: '/entities/:entityId/attrs/:attrId',
      action: 'entity:write',
      summary: 'Partial Attribute Update',
      clause: '5.6.4',
      body: true,
      query: ['type', 'local'],
      async handler(request) {
        const id = entityId(request);
        const name = request.params['attrId'] ?? '';
        const iri = attributeIri(request);
        const fragment = parseAttributeFragment(request.body, request.context, name, {
          allowNull: true,
          partial: true,
        });
        await entities.partialAttributeUpdate(
          request.tenant,
          id,
          iri,
          fragment,
          typeGuard(request.query, request.context),
        );
        return { status: 204 };
      },
    },
    {
      method: 'PUT',
      url: '/entities/:entityId/attrs/:attrId',
      action: 'entity:write',
      summary: 'Replace Attribute',
      clause: '5.6.19',
      body: true,
      query: ['type', 'local'],
      async handler(request) {
        const id = entityId(request);
        const name = request.params['attrId'] ?? '';
        if (name === 'scope')
          throw badRequestData('scope is not an attribute; use PATCH /entities/{id}');
        const iri = attributeIri(request);
        const attribute = parseAttributeFragment(request.body, request.context, name, {
          allowNull: false,
        });
        await entities.replaceAttribute(
          request.tenant,
          id,
          iri,
          attribute,
          typeGuard(request.query, request.context),
        );
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      url: '/entities/:entityId/attrs/:attrId',
      action: 'entity:write',
      summary: 'Delete Attribute',
      clause: '5.6.5',
      query: ['datasetId', 'deleteAll', 'type', 'local'],
      async handler(request) {
        const id = entityId(request);
        const iri = attributeIri(request);
        const datasetId = request.query.get('datasetId');
        if (datasetId !== undefined) assertUri(datasetId, 'datasetId');
        const deleteAll = request.query.boolean('deleteAll');
        if (deleteAll && datasetId !== undefined)
          throw badRequestData('datasetId and deleteAll=true exclude each other');
        await entities.deleteAttribute(request.tenant, id, iri, {
          datasetId,
          deleteAll,
          typeGuard: typeGuard(request.query, request.context),
        });
        return { status: 204 };
      },
    },
  ];
}

/**
 * Renders entities in the negotiated representation: entity objects, or GeoJSON Features.
 * Retrieve Entity answers 404 when `attrs` names none of the entity's attributes (v1.9).
 */
export function renderEntityList(
  request: NgsiRequest,
  list: Entity[],
  retrieving = false,
  values?: ProjectionValues,
): unknown[] {
  const q = request.query;
  const options = parseRenderOptions(
    q,
    request.context,
    values ?? {
      attrs: q.list('attrs'),
      pick: q.get('pick'),
      omit: q.get('omit'),
      lang: q.get('lang'),
      datasetId: q.list('datasetId'),
    },
  );
  const geometryProperty = parseGeometryProperty(q, request.responseType, request.context);
  const wanted = options.attrs;
  if (retrieving && wanted && list.some((e) => !wanted.some((a) => a in e.attrs))) {
    throw resourceNotFound(
      `Entity ${list[0]?.id} has none of the requested attributes`,
      list[0]?.id,
    );
  }
  if (request.responseType === MEDIA_GEO_JSON) {
    return list.map((e) =>
      renderGeoJsonFeature(e, request.context, { ...options, geometryProperty }),
    );
  }
  return list.map((e) => renderEntity(e, request.context, options));
}

function checkFragmentId(bodyId: string | undefined, pathId: string): void {
  if (bodyId !== undefined && bodyId !== pathId) {
    throw badRequestData(
      `The body's id ${bodyId} differs from the entity id ${pathId} in the path`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
