/** Checks shared by the single-entity and batch operations of the context service. */
import type { Entity } from '../ngsi-ld/model.js';
import { resourceNotFound } from '../ngsi-ld/problem-details.js';
import type { TypeSelector } from '../ngsi-ld/query/query.types.js';
import { matchesTypeSelector } from '../ngsi-ld/query/type-selector.js';

/** The entity, or 404 when it does not exist or fails the `type` guard (NGSI-LD 4.17). */
export function requireEntity(
  current: Entity | undefined,
  id: string,
  typeGuard?: TypeSelector,
): Entity {
  if (!current || (typeGuard && !matchesTypeSelector(current.type, typeGuard))) {
    throw resourceNotFound(`Entity ${id} does not exist`, id);
  }
  return current;
}
