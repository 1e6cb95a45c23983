/**
 * The answer to Query Entities, by GET or POST (NGSI-LD 5.7.2, 5.5.9): one page of rendered
 * entities (a FeatureCollection for GeoJSON), NGSILD-Results-Count when asked, and
 * `rel="next"`/`rel="prev"` links that never point to an empty page.
 */
import type { EntityService } from '../../context/entity.service.js';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import { MEDIA_GEO_JSON } from '../http/media-types.js';
import { renderEntityList } from './entity-rendering.js';
import { paginationLinks } from './pagination-links.js';
import type { Pagination } from './query-params.js';
import type { ProjectionValues } from './representation.js';
import type { NgsiReply, NgsiRequest } from './route-spec.js';

export async function replyToQuery(
  request: NgsiRequest,
  entities: EntityService,
  query: EntityQuery,
  page: Pagination,
  path: string,
  values?: ProjectionValues,
): Promise<NgsiReply> {
  // One extra row tells whether a next page exists without counting everything.
  const peek = !page.count && page.limit > 0;
  const result = await entities.queryEntities(request.tenant, {
    ...query,
    limit: query.limit + (peek ? 1 : 0),
  });
  const hasMore = peek
    ? result.entities.length > page.limit
    : page.offset + Math.min(result.entities.length, page.limit) < (result.totalCount ?? 0);
  const list = result.entities.slice(0, page.limit);
  const headers: Record<string, string> = {};
  if (page.count) headers['NGSILD-Results-Count'] = String(result.totalCount ?? 0);
  const links = paginationLinks(path, request.query, page, hasMore);
  if (links) headers['Link'] = links;
  const rendered = renderEntityList(request, list, { values });
  const body =
    request.responseType === MEDIA_GEO_JSON
      ? { type: 'FeatureCollection', features: rendered }
      : rendered;
  return { status: 200, headers, body };
}
