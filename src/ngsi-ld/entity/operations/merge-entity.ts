/**
 * Merge Entity — PATCH /entities/{id} (NGSI-LD 5.6.17, 5.5.12; entities.md §5) and the
 * per-entity step of batch merge. Unlike Update Attributes, present instances are deep-merged
 * (pitfalls.md 12); see merge-attribute.ts for the member rules.
 */
import type { Entity } from '../../model.js';
import type { EntityFragment } from '../entity-fragment.js';
import { addTypes, assertSameEntity, withEntityChanges } from './entity-members.js';
import { mergeAttributeMap } from './merge-attribute.js';
import { createUpdateReport, type WriteOutcome } from './update-result.js';

export interface MergeOptions {
  now: string;
  /** `observedAt=`: set on merged attributes that had an observedAt and got none. */
  observedAt?: string;
  /** `lang=`: a string for an existing LanguageProperty updates only this language. */
  lang?: string;
  /** `format=simplified|keyValues`: bare values keep the existing attribute's kind. */
  simplified?: boolean;
}

/**
 * Throws 400 BadRequestData when a fragment would change an existing attribute's kind. The
 * result's notUpdated stays empty: an NGSI-LD Null for an absent attribute is ignored
 * (entities.md §5), not reported.
 */
export function mergeEntity(
  entity: Entity,
  fragment: EntityFragment,
  options: MergeOptions,
): WriteOutcome {
  assertSameEntity(entity, fragment.id);
  const report = createUpdateReport();
  const attrs = mergeAttributeMap(entity.attrs, fragment.attrs, options, report.markUpdated);
  const type = addTypes(entity.type, fragment.type);
  // entities.md §5: scope is replaced; NGSI-LD Null removes it.
  const scope = fragment.scope === undefined ? entity.scope : (fragment.scope ?? undefined);
  const changed = attrs !== entity.attrs || type !== entity.type || fragment.scope !== undefined;
  return {
    entity: changed ? withEntityChanges(entity, { type, scope, attrs }, options.now) : entity,
    result: report.result(),
  };
}
