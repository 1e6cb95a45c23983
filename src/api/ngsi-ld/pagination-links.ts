/** `Link: <…>; rel="next"` / `rel="prev"` page pointers (NGSI-LD 5.5.9), keeping every other parameter. */
import type { Pagination, QueryParams } from './query-params.js';

export function paginationLinks(
  path: string,
  query: QueryParams,
  page: Pagination,
  hasMore: boolean,
): string | undefined {
  if (page.limit === 0) return undefined;
  const links: string[] = [];
  if (hasMore) links.push(link(path, query, page.limit, page.offset + page.limit, 'next'));
  if (page.offset > 0)
    links.push(link(path, query, page.limit, Math.max(0, page.offset - page.limit), 'prev'));
  return links.length > 0 ? links.join(', ') : undefined;
}

function link(
  path: string,
  query: QueryParams,
  limit: number,
  offset: number,
  rel: string,
): string {
  const params = new URLSearchParams();
  for (const [name, value] of query.entries()) {
    if (name !== 'limit' && name !== 'offset') params.set(name, value);
  }
  params.set('limit', String(limit));
  params.set('offset', String(offset));
  return `<${path}?${params.toString()}>; rel="${rel}"; type="application/ld+json"`;
}
