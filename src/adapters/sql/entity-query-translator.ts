/**
 * Translates a whole EntityQuery (NGSI-LD 5.7.2) into a Condition over the index tables.
 * src/ngsi-ld/query/entity-filter.ts stays the authority: when the translation is exact, the
 * SQL answer is the answer (SQL pages and counts); otherwise the store applies the filter
 * to the candidates. `exact` is claimed only where the SQL selects the filter's very set.
 */
import { geoQueryCandidateBox } from '../../ngsi-ld/geo/bounding-box.js';
import type { EntityQuery, GeoQuery, TypeSelector } from '../../ngsi-ld/query/query.types.js';
import { and, andAll, or, type Condition, type Translation } from './query-condition.js';
import { translateQ } from './q-translator.js';

/** A type selection is a disjunction of conjunctions of types, exactly (NGSI-LD 4.17). */
function translateTypes(types: TypeSelector): Condition {
  return or(types.anyOf.map((all) => and(all.map((type): Condition => ({ kind: 'type', type })))));
}

/**
 * The bounding-box prefilter of a geo-query (NGSI-LD 4.10). Only GeoProperty instances with
 * a valid geometry can match, and only those have a box row; `disjoint` and `near` with
 * only a minimum distance have no candidate box, so they only need the attribute.
 */
function translateGeo(geoQ: GeoQuery): Condition {
  const box = geoQueryCandidateBox(geoQ);
  return box === undefined
    ? { kind: 'attrs', attrs: [geoQ.geoproperty] }
    : { kind: 'bbox', attr: geoQ.geoproperty, box };
}

export function translateEntityQuery(query: EntityQuery): Translation {
  const parts: Translation[] = [];
  // Empty id and attrs lists do not filter (entity-filter.ts).
  if (query.ids !== undefined && query.ids.length > 0)
    parts.push({ condition: { kind: 'ids', ids: [...new Set(query.ids)] }, exact: true });
  if (query.types !== undefined)
    parts.push({ condition: translateTypes(query.types), exact: true });
  if (query.attrs !== undefined && query.attrs.length > 0) {
    parts.push({ condition: { kind: 'attrs', attrs: [...new Set(query.attrs)] }, exact: true });
  }
  if (query.q !== undefined) parts.push(translateQ(query.q, query.vocabularyTerms));
  if (query.geoQ !== undefined) parts.push({ condition: translateGeo(query.geoQ), exact: false });
  // idPattern and scopeQ are left to the exact filter.
  if (query.idPattern !== undefined || query.scopeQ !== undefined)
    parts.push({ condition: { kind: 'all' }, exact: false });
  return andAll(parts);
}
