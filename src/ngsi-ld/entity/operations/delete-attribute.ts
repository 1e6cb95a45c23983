/**
 * Delete Attribute — DELETE /entities/{id}/attrs/{attrId} (NGSI-LD 5.6.5, entities.md §11).
 * The attribute key goes away with its last instance; the entity itself stays, even with no
 * attribute left (pitfalls.md 17).
 */
import type { Entity } from '../../model.js';
import { resourceNotFound } from '../../problem-details.js';
import {
  findInstance,
  instanceNotFound,
  withInstances,
  withoutInstance,
} from './attribute-instances.js';
import { withEntityChanges } from './entity-members.js';

export interface DeleteAttributeOptions {
  /** Delete this instance (the default instance when absent and not deleteAll). */
  datasetId?: string | undefined;
  /** `deleteAll=true`: every instance. */
  deleteAll: boolean;
  now: string;
}

/** Throws 404 ResourceNotFound when the attribute, or the requested instance, does not exist. */
export function deleteAttribute(
  entity: Entity,
  attrIri: string,
  options: DeleteAttributeOptions,
): Entity {
  if (entity.attrs[attrIri] === undefined) {
    throw resourceNotFound(`Entity ${entity.id} has no attribute ${attrIri}`, entity.id);
  }
  let attrs;
  if (options.deleteAll) {
    attrs = withInstances(entity.attrs, attrIri, []);
  } else {
    if (findInstance(entity.attrs, attrIri, options.datasetId) === undefined) {
      throw instanceNotFound(entity, attrIri, options.datasetId);
    }
    attrs = withoutInstance(entity.attrs, attrIri, options.datasetId);
  }
  return withEntityChanges(entity, { type: entity.type, scope: entity.scope, attrs }, options.now);
}

export interface DeleteScopeOptions {
  now: string;
}

/** DELETE /entities/{id}/attrs/scope removes the scope (entities.md §11); 404 when there is none. */
export function deleteScope(entity: Entity, options: DeleteScopeOptions): Entity {
  if (entity.scope === undefined) {
    throw resourceNotFound(`Entity ${entity.id} has no scope`, entity.id);
  }
  return withEntityChanges(
    entity,
    { type: entity.type, scope: undefined, attrs: entity.attrs },
    options.now,
  );
}
