/**
 * Replace Attribute — PUT /entities/{id}/attrs/{attrId} (NGSI-LD 5.6.19, entities.md §10).
 * The instance named by `attribute.datasetId` (default instance otherwise) is replaced as a
 * whole — its kind may change — and keeps its createdAt.
 */
import type { Attribute, Entity } from '../../model.js';
import { badRequestData } from '../../problem-details.js';
import { isNgsiLdNull } from '../entity-fragment.js';
import { requireInstance, stampReplacement, withInstance } from './attribute-instances.js';
import { assertNoNgsiLdNull, assertNotScope, withEntityChanges } from './entity-members.js';

export interface ReplaceAttributeOptions {
  now: string;
}

/** Throws 404 ResourceNotFound for a missing attribute or instance, 400 for scope or NGSI-LD Null. */
export function replaceAttribute(
  entity: Entity,
  attrIri: string,
  attribute: Attribute,
  options: ReplaceAttributeOptions,
): Entity {
  assertNotScope(attrIri, 'Replace Attribute');
  // NGSI-LD Null is only legal in update/merge fragments (data-model.md §4).
  if (isNgsiLdNull(attribute)) {
    throw badRequestData(`Replace Attribute: NGSI-LD Null is not allowed (attribute ${attrIri})`);
  }
  assertNoNgsiLdNull(attribute.attrs ?? {}, 'Replace Attribute', `${attrIri} > `);
  const previous = requireInstance(entity, attrIri, attribute.datasetId);
  const attrs = withInstance(
    entity.attrs,
    attrIri,
    stampReplacement(attribute, previous, options.now),
  );
  return withEntityChanges(entity, { type: entity.type, scope: entity.scope, attrs }, options.now);
}
