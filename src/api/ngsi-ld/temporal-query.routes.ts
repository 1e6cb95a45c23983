/**
 * Query Temporal Evolution of Entities by GET /temporal/entities and by
 * POST /temporal/entityOperations/query (NGSI-LD 5.7.4, 6.18.3.2, 6.24; temporal.md §3, §6).
 */
import type { HistoryQuery } from '../../context/ports/history-store.port.js';
import type { TemporalService } from '../../context/temporal.service.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { ENTITY_SELECTION_PARAMS, NOT_BUILT_PARAMS } from './entities.routes.js';
import {
  buildEntityQuery,
  filterFromParams,
  filterFromQueryBody,
  type EntityFilterInput,
} from './entity-query.builder.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';
import { paginationLinks } from './pagination-links.js';
import { parseQueryBody } from './query-body.js';
import { parsePagination, type Pagination } from './query-params.js';
import type { NgsiReply, NgsiRequest, RouteSpec } from './route-spec.js';
import {
  buildTemporalRead,
  temporalMembersOfBody,
  temporalReadFromUrl,
  type TemporalReadInput,
} from './temporal-query.builder.js';
import { renderTemporalEntities } from './temporal-reply.js';

/** Parameters of both temporal reads. */
export const TEMPORAL_READ_PARAMS = [
  'format',
  'options',
  'attrs',
  'pick',
  'omit',
  'lang',
  'datasetId',
  'timerel',
  'timeAt',
  'endTimeAt',
  'timeproperty',
  'lastN',
  'aggrMethods',
  'aggrPeriodDuration',
  'local',
];
const QUERY_PARAMS = ['type', ...ENTITY_SELECTION_PARAMS];
const MEDIA = [MEDIA_JSON, MEDIA_JSON_LD] as const;

interface Deps {
  temporal: TemporalService;
  paging: { defaultPageSize: number; maxPageSize: number };
  temporalMaxInstances: number;
}

export function temporalQueryRoutes(deps: Deps): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/temporal/entities',
      action: 'temporal:read',
      summary: 'Query Temporal Evolution of Entities',
      clause: '5.7.4',
      query: [...TEMPORAL_READ_PARAMS, ...QUERY_PARAMS],
      unsupportedQuery: NOT_BUILT_PARAMS,
      produces: MEDIA,
      async handler(request) {
        const q = request.query;
        const filter = filterFromParams(q);
        return replyToTemporalQuery(
          request,
          deps,
          filter,
          temporalReadFromUrl(q),
          '/temporal/entities',
        );
      },
    },
    {
      method: 'POST',
      url: '/temporal/entityOperations/query',
      action: 'temporal:read',
      summary: 'Query Temporal Evolution of Entities via POST',
      clause: '5.7.4',
      body: true,
      query: ['limit', 'offset', 'count', 'format', 'options', 'local'],
      produces: MEDIA,
      async handler(request) {
        if (
          typeof request.body !== 'object' ||
          request.body === null ||
          Array.isArray(request.body)
        )
          throw badRequestData('The body must be a Query object');
        const { temporalQ: _t, aggrParams: _a, ...rest } = request.body as Record<string, unknown>;
        const temporalMembers = temporalMembersOfBody(request.body as Record<string, unknown>);
        const body = parseQueryBody(rest);
        const filter = filterFromQueryBody(body, request.query.boolean('local'));
        const read: TemporalReadInput = {
          ...temporalMembers,
          attrs: body.attrs,
          pick: body.pick,
          omit: body.omit,
          lang: body.lang,
          datasetId: body.datasetId,
        };
        return replyToTemporalQuery(
          request,
          deps,
          filter,
          read,
          '/temporal/entityOperations/query',
        );
      },
    },
  ];
}

async function replyToTemporalQuery(
  request: NgsiRequest,
  deps: Deps,
  filterInput: EntityFilterInput,
  readInput: TemporalReadInput,
  path: string,
): Promise<NgsiReply> {
  const page: Pagination = parsePagination(request.query, deps.paging);
  const read = buildTemporalRead(readInput, request.query, request.context, {
    required: true,
    maxInstances: deps.temporalMaxInstances,
  });
  const {
    limit: _l,
    offset: _o,
    count: _c,
    ...filter
  } = buildEntityQuery(filterInput, request.context, page);
  // One extra entity tells whether a next page exists without counting everything.
  const peek = !page.count && page.limit > 0;
  const query: HistoryQuery = {
    ...read.options,
    filter,
    limit: page.limit + (peek ? 1 : 0),
    offset: page.offset,
    count: page.count,
  };
  const result = await deps.temporal.queryTemporalEntities(request.tenant, query);
  const hasMore = peek
    ? result.entities.length > page.limit
    : page.offset + Math.min(result.entities.length, page.limit) < (result.totalCount ?? 0);
  const list = result.entities.slice(0, page.limit);
  const rendered = renderTemporalEntities(
    list,
    request.context,
    read.render,
    read.options.lastN !== undefined,
  );
  const headers: Record<string, string> = {};
  if (page.count) headers['NGSILD-Results-Count'] = String(result.totalCount ?? 0);
  const links = paginationLinks(`${NGSI_LD_PREFIX}${path}`, request.query, page, hasMore);
  if (links) headers['Link'] = links;
  if (rendered.contentRange !== undefined) headers['Content-Range'] = rendered.contentRange;
  return {
    status: rendered.contentRange === undefined ? 200 : 206,
    headers,
    body: rendered.bodies,
  };
}
