/**
 * The whole filter of Query Entities (NGSI-LD 5.7.2, query.md §1): an entity is selected
 * when it satisfies every given part, id ∧ idPattern ∧ type ∧ attrs-any ∧ q ∧ scopeQ ∧ geoQ.
 * Used in memory by subscriptions and as the exact test after an index pre-selection.
 */
import type { Entity } from '../model.js';
import { matchesGeoQuery } from '../geo/geo-query.js';
import { compileIdPattern } from './id-pattern.js';
import { matchesQ } from './q-evaluator.js';
import { matchesScopeQuery } from './scope-query.js';
import { matchesTypeSelector } from './type-selector.js';
import type { EntityQuery } from './query.types.js';

/**
 * True when `entity` matches every filter of `query` (pagination fields are ignored).
 * `expandValue` expands q values compared with VocabProperty targets; by default the
 * query's own `vocabularyTerms`.
 */
export function matchesEntityQuery(
  entity: Entity,
  query: EntityQuery,
  expandValue?: (t: string) => string,
): boolean {
  // Cheapest tests first; geometry last.
  if (query.ids !== undefined && query.ids.length > 0 && !query.ids.includes(entity.id))
    return false;
  if (query.types !== undefined && !matchesTypeSelector(entity.type, query.types)) return false;
  if (
    query.attrs !== undefined &&
    query.attrs.length > 0 &&
    !query.attrs.some((attr) => Object.hasOwn(entity.attrs, attr))
  )
    return false;
  // compileIdPattern reuses the cached compiled regex, so this costs a map look-up.
  if (query.idPattern !== undefined && !compileIdPattern(query.idPattern)(entity.id)) return false;
  if (query.scopeQ !== undefined && !matchesScopeQuery(entity.scope, query.scopeQ)) return false;
  if (query.q !== undefined && !matchesQ(entity, query.q, expandValue ?? vocabularyOf(query)))
    return false;
  if (query.geoQ !== undefined && !matchesGeoQuery(entity, query.geoQ)) return false;
  return true;
}

function vocabularyOf(query: EntityQuery): ((term: string) => string) | undefined {
  const terms = query.vocabularyTerms;
  return terms === undefined ? undefined : (term) => terms[term] ?? term;
}
