/**
 * Partial Attribute Update — PATCH /entities/{id}/attrs/{attrId} (NGSI-LD 5.6.4,
 * entities.md §9). Only the members the fragment carries are overwritten (unitCode survives);
 * the payload is replaced, not merged (that is Merge Entity). pitfalls.md 12, 14.
 */
import { PAYLOAD_MEMBER, type Attribute, type AttributeMap, type Entity } from '../../model.js';
import { badRequestData } from '../../problem-details.js';
import { isNgsiLdNull } from '../entity-fragment.js';
import {
  findInstance,
  requireInstance,
  stampReplacement,
  withInstance,
  withoutInstance,
} from './attribute-instances.js';
import { overwriteOptionalMembers, payloadOf, setPayload } from './attribute-members.js';
import { assertNotScope, withEntityChanges } from './entity-members.js';
import { coerceToKind } from './kind-coercion.js';

export interface PartialAttributeUpdateOptions {
  now: string;
}

/**
 * The instance is chosen by `fragment.datasetId` (default instance otherwise). Throws 404
 * ResourceNotFound when it does not exist, 400 BadRequestData when the fragment names another
 * kind, targets scope, or is an NGSI-LD Null (deleting is Delete Attribute's job).
 */
export function partialAttributeUpdate(
  entity: Entity,
  attrIri: string,
  fragment: Attribute,
  options: PartialAttributeUpdateOptions,
): Entity {
  assertNotScope(attrIri, 'Partial Attribute Update');
  if (isNgsiLdNull(fragment)) {
    throw badRequestData(
      `Partial Attribute Update cannot delete attribute ${attrIri}; use Delete Attribute`,
    );
  }
  const previous = requireInstance(entity, attrIri, fragment.datasetId);
  // A fragment without type and payload (only members or sub-attributes) keeps the kind.
  const payloadless = payloadOf(fragment) === undefined && fragment.type === 'Property';
  const patch = payloadless
    ? { ...fragment, type: previous.type }
    : coerceToKind(fragment, previous.type, { name: attrIri });
  const next: Attribute = { ...previous };
  const payload = payloadOf(patch);
  if (payload !== undefined) setPayload(next, PAYLOAD_MEMBER[previous.type], payload);
  overwriteOptionalMembers(next, patch);
  if (patch.attrs !== undefined) {
    const subAttributes = overwriteSubAttributes(previous.attrs ?? {}, patch.attrs, options.now);
    if (Object.keys(subAttributes).length > 0) next.attrs = subAttributes;
    else delete next.attrs;
  }
  next.modifiedAt = options.now;
  const attrs = withInstance(entity.attrs, attrIri, next);
  return withEntityChanges(entity, { type: entity.type, scope: entity.scope, attrs }, options.now);
}

/** Each sub-attribute given replaces its namesake; NGSI-LD Null removes it (entities.md §9). */
function overwriteSubAttributes(
  attrs: AttributeMap,
  patch: AttributeMap,
  now: string,
): AttributeMap {
  let next = attrs;
  for (const [name, instances] of Object.entries(patch)) {
    for (const instance of instances) {
      const previous = findInstance(next, name, instance.datasetId);
      next = isNgsiLdNull(instance)
        ? withoutInstance(next, name, instance.datasetId)
        : withInstance(next, name, stampReplacement(instance, previous, now));
    }
  }
  return next;
}
