/**
 * Turns the filters of Query Entities — URL parameters (NGSI-LD 6.4.3.2) or the body of
 * POST /entityOperations/query (5.2.23) — into an EntityQuery with expanded names.
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { parseGeoQuery } from '../../ngsi-ld/geo/geo-query-parser.js';
import { assertUri, isValidTypeName } from '../../ngsi-ld/entity/names.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { compileIdPattern } from '../../ngsi-ld/query/id-pattern.js';
import { qTexts } from '../../ngsi-ld/query/q-evaluator.js';
import { parseQ } from '../../ngsi-ld/query/q-parser.js';

import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import { parseScopeQuery } from '../../ngsi-ld/query/scope-query.js';
import { parseTypeSelector } from '../../ngsi-ld/query/type-selector.js';
import { combineSelectors, type QueryBody } from './query-body.js';
import type { Pagination, QueryParams } from './query-params.js';

export interface EntityFilterInput {
  id?: string[];
  idPattern?: string;
  type?: string;
  attrs?: string[];
  q?: string;
  scopeQ?: string;
  georel?: string;
  geometry?: string;
  coordinates?: unknown;
  geoproperty?: string;
  local?: boolean;
}

/** The filters of GET /entities and GET /temporal/entities (NGSI-LD 6.4.3.2). */
export function filterFromParams(q: QueryParams): EntityFilterInput {
  return {
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
  };
}

/** The filters of a Query body (NGSI-LD 5.2.23); `local` comes from the URL. */
export function filterFromQueryBody(
  body: QueryBody,
  local: boolean | undefined,
): EntityFilterInput {
  const selector = combineSelectors(body.entities);
  return {
    id: selector?.id === undefined ? undefined : [selector.id],
    idPattern: selector?.id === undefined ? selector?.idPattern : undefined,
    type: selector?.type,
    attrs: body.attrs,
    q: body.q,
    scopeQ: body.scopeQ,
    georel: body.geoQ?.georel,
    geometry: body.geoQ?.geometry,
    coordinates: body.geoQ?.coordinates,
    geoproperty: body.geoQ?.geoproperty,
    local,
  };
}

export function buildEntityQuery(
  input: EntityFilterInput,
  context: JsonLdContext,
  page: Pagination,
): EntityQuery {
  const expand = (term: string) => context.expandTerm(term);
  const query: EntityQuery = { limit: page.limit, offset: page.offset, count: page.count };
  if (input.id) {
    input.id.forEach((id) => assertUri(id, 'id'));
    query.ids = input.id;
  }
  if (input.idPattern !== undefined) {
    compileIdPattern(input.idPattern);
    query.idPattern = input.idPattern;
  }
  if (input.type !== undefined) {
    const types = parseTypeSelector(input.type, expand);
    if (types) query.types = types;
  }
  if (input.attrs) query.attrs = input.attrs.map(expand);
  if (input.q !== undefined) {
    query.q = parseQ(input.q, expand);
    const vocabularyTerms = expandedTexts(qTexts(query.q), context);
    if (vocabularyTerms) query.vocabularyTerms = vocabularyTerms;
  }
  if (input.scopeQ !== undefined) query.scopeQ = parseScopeQuery(input.scopeQ);
  const geoQ = parseGeoQuery(
    {
      georel: input.georel,
      geometry: input.geometry,
      coordinates: input.coordinates,
      geoproperty: input.geoproperty,
    },
    expand,
  );
  if (geoQ) query.geoQ = geoQ;

  // NGSI-LD 5.7.2: a query must name what it wants unless local=true. Like Orion-LD,
  // ids, idPattern and scopeQ count as filters too.
  const filtered = [
    input.type,
    input.attrs,
    input.q,
    geoQ,
    input.id,
    input.idPattern,
    input.scopeQ,
  ].some((f) => f !== undefined);
  if (!filtered && !input.local) {
    throw badRequestData(
      'Too broad query: give at least one of type, attrs, q, a geo-query, id, idPattern or scopeQ (or local=true)',
    );
  }
  return query;
}

/**
 * Text values that are terms of the request's @context, with their IRIs: compared with a
 * VocabProperty, `category=="Delivery"` means the expanded term (NGSI-LD 4.9).
 */
function expandedTexts(
  texts: string[],
  context: JsonLdContext,
): Record<string, string> | undefined {
  const terms: Record<string, string> = {};
  for (const text of texts) {
    if (!isValidTypeName(text)) continue;
    const iri = context.expandTerm(text);
    if (iri !== text) terms[text] = iri;
  }
  return Object.keys(terms).length > 0 ? terms : undefined;
}
