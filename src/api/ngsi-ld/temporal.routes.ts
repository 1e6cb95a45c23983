/**
 * /temporal/entities… — the temporal API (NGSI-LD 5.6.11–5.6.16, 5.7.3, 5.7.4, 6.18–6.22,
 * 6.24; temporal.md §1).
 */
import type { TemporalService } from '../../context/temporal.service.js';
import { assertUri } from '../../ngsi-ld/entity/names.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import {
  parseInstanceReplacement,
  parseTemporalEntity,
} from '../../ngsi-ld/temporal/temporal-entity-parser.js';
import { MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { NOT_BUILT_PARAMS } from './entities.routes.js';
import { resourceLocation, attributeIri, attributeName, entityId } from './route-params.js';
import type { RouteSpec } from './route-spec.js';
import { buildTemporalRead, temporalReadFromUrl } from './temporal-query.builder.js';
import { renderTemporalEntities } from './temporal-reply.js';
import { temporalQueryRoutes, TEMPORAL_READ_PARAMS } from './temporal-query.routes.js';

export interface TemporalRoutesDeps {
  temporal: TemporalService;
  paging: { defaultPageSize: number; maxPageSize: number };
  /**
   * Most instances (or aggregation periods) of one attribute in one answer, and a tenth of
   * the most in the whole answer (206 + Content-Range beyond); default 10,000.
   */
  temporalMaxInstances?: number;
}

const MEDIA = [MEDIA_JSON, MEDIA_JSON_LD] as const;

export const DEFAULT_TEMPORAL_MAX_INSTANCES = 10_000;

export function temporalRoutes(routeDeps: TemporalRoutesDeps): RouteSpec[] {
  const deps = {
    ...routeDeps,
    temporalMaxInstances: routeDeps.temporalMaxInstances ?? DEFAULT_TEMPORAL_MAX_INSTANCES,
  };
  const { temporal } = deps;
  return [
    {
      method: 'POST',
      url: '/temporal/entities',
      action: 'temporal:write',
      summary: 'Create or Update Temporal Evolution of an Entity',
      clause: '5.6.11',
      createsTenant: true,
      body: true,
      query: ['local'],
      async handler(request) {
        const input = parseTemporalEntity(request.body, request.context, 'entity');
        const id = input.id as string;
        const outcome = await temporal.upsertTemporalEntity(request.tenant, { ...input, id });
        return outcome === 'created'
          ? { status: 201, headers: { Location: resourceLocation('temporal/entities', id) } }
          : { status: 204 };
      },
    },
    ...temporalQueryRoutes(deps),
    {
      method: 'GET',
      url: '/temporal/entities/:entityId',
      action: 'temporal:read',
      summary: 'Retrieve Temporal Evolution of an Entity',
      clause: '5.7.3',
      query: TEMPORAL_READ_PARAMS,
      unsupportedQuery: NOT_BUILT_PARAMS,
      produces: MEDIA,
      async handler(request) {
        const id = entityId(request);
        const read = buildTemporalRead(
          temporalReadFromUrl(request.query),
          request.query,
          request.context,
          {
            required: false,
            maxInstances: deps.temporalMaxInstances,
          },
        );
        const history = await temporal.retrieveTemporalEntity(request.tenant, id, read.options);
        const rendered = renderTemporalEntities(
          [history],
          request.context,
          read.render,
          read.options.lastN !== undefined,
        );
        return rendered.contentRange === undefined
          ? { status: 200, body: rendered.bodies[0] }
          : {
              status: 206,
              body: rendered.bodies[0],
              headers: { 'Content-Range': rendered.contentRange },
            };
      },
    },
    {
      method: 'DELETE',
      url: '/temporal/entities/:entityId',
      action: 'temporal:delete',
      summary: 'Delete Temporal Evolution of an Entity',
      clause: '5.6.16',
      query: ['local'],
      async handler(request) {
        await temporal.deleteTemporalEntity(request.tenant, entityId(request));
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      url: '/temporal/entities/:entityId/attrs',
      action: 'temporal:write',
      summary: 'Add Attributes to Temporal Evolution of an Entity',
      clause: '5.6.12',
      body: true,
      query: ['local'],
      async handler(request) {
        const id = entityId(request);
        const input = parseTemporalEntity(request.body, request.context, 'fragment');
        await temporal.addAttributes(request.tenant, id, input);
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      url: '/temporal/entities/:entityId/attrs/:attrId',
      action: 'temporal:delete',
      summary: 'Delete Attribute from Temporal Evolution of an Entity',
      clause: '5.6.13',
      query: ['datasetId', 'deleteAll', 'local'],
      async handler(request) {
        const id = entityId(request);
        const datasetId = request.query.get('datasetId');
        if (datasetId !== undefined && datasetId !== '@none') assertUri(datasetId, 'datasetId');
        const deleteAll = request.query.boolean('deleteAll');
        if (deleteAll && datasetId !== undefined)
          throw badRequestData('datasetId and deleteAll=true exclude each other');
        await temporal.deleteAttribute(request.tenant, id, attributeIri(request), {
          ...(datasetId === undefined || datasetId === '@none' ? {} : { datasetId }),
          deleteAll,
        });
        return { status: 204 };
      },
    },
    {
      method: 'PATCH',
      url: '/temporal/entities/:entityId/attrs/:attrId/:instanceId',
      action: 'temporal:write',
      summary: 'Modify Attribute Instance in Temporal Evolution of an Entity',
      clause: '5.6.14',
      body: true,
      query: ['local'],
      async handler(request) {
        const id = entityId(request);
        const name = attributeName(request);
        const instanceId = assertUri(request.params['instanceId'], 'instanceId');
        const instance = parseInstanceReplacement(request.body, request.context, name);
        await temporal.modifyInstance(
          request.tenant,
          id,
          attributeIri(request),
          instanceId,
          instance,
        );
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      url: '/temporal/entities/:entityId/attrs/:attrId/:instanceId',
      action: 'temporal:delete',
      summary: 'Delete Attribute Instance from Temporal Evolution of an Entity',
      clause: '5.6.15',
      query: ['local'],
      async handler(request) {
        const id = entityId(request);
        const instanceId = assertUri(request.params['instanceId'], 'instanceId');
        await temporal.deleteInstance(request.tenant, id, attributeIri(request), instanceId);
        return { status: 204 };
      },
    },
  ];
}
