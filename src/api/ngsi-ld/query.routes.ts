/** POST /entityOperations/query — Query Entities with a Query body (NGSI-LD 5.7.2, 6.23). */
import type { EntityService } from '../../context/entity.service.js';
import { MEDIA_GEO_JSON, MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { buildEntityQuery, filterFromQueryBody } from './entity-query.builder.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';
import { parseQueryBody } from './query-body.js';
import { parsePagination } from './query-params.js';
import { replyToQuery } from './query-reply.js';
import type { RouteSpec } from './route-spec.js';

export function queryRoutes(deps: {
  entities: EntityService;
  paging: { defaultPageSize: number; maxPageSize: number };
}): RouteSpec[] {
  return [
    {
      method: 'POST',
      url: '/entityOperations/query',
      action: 'entity:read',
      summary: 'Query Entities via POST',
      clause: '5.7.2',
      body: true,
      query: ['limit', 'offset', 'count', 'format', 'options', 'local', 'geometryProperty'],
      produces: [MEDIA_JSON, MEDIA_JSON_LD, MEDIA_GEO_JSON],
      async handler(request) {
        const body = parseQueryBody(request.body);
        const page = parsePagination(request.query, deps.paging);
        const query = buildEntityQuery(
          filterFromQueryBody(body, request.query.boolean('local')),
          request.context,
          page,
        );
        const projection = {
          attrs: body.attrs,
          pick: body.pick,
          omit: body.omit,
          lang: body.lang,
          datasetId: body.datasetId,
        };
        return replyToQuery(
          request,
          deps.entities,
          query,
          page,
          `${NGSI_LD_PREFIX}/entityOperations/query`,
          projection,
        );
      },
    },
  ];
}
