/**
 * Update Entity Attributes — PATCH /entities/{id}/attrs (NGSI-LD 5.6.2, entities.md §8).
 * Each instance given replaces the existing one as a whole: sub-attributes and members it does
 * not repeat vanish (pitfalls.md 12), createdAt is kept. NGSI-LD Null deletes the instance.
 */
import type { Entity } from '../../model.js';
import { isNgsiLdNull, type EntityFragment } from '../entity-fragment.js';
import {
  findInstance,
  stampReplacement,
  withInstance,
  withoutInstance,
} from './attribute-instances.js';
import { SCOPE_IRI, addTypes, assertSameEntity, withEntityChanges } from './entity-members.js';
import { createUpdateReport, withDataset, type WriteOutcome } from './update-result.js';

export interface UpdateOptions {
  now: string;
  /**
   * What to do with an attribute the entity lacks (pitfalls.md 13): `true` appends it
   * (v1.9 text), `false` skips it with notUpdated "attribute doesn't exist" (Orion-LD and
   * earlier spec versions). Unverified which one the target conformance tests expect.
   */
  appendMissing: boolean;
}

const MISSING = "attribute doesn't exist";

export function updateAttributes(
  entity: Entity,
  fragment: EntityFragment,
  options: UpdateOptions,
): WriteOutcome {
  assertSameEntity(entity, fragment.id);
  const report = createUpdateReport();
  let attrs = entity.attrs;
  let changed = false;
  for (const [name, instances] of Object.entries(fragment.attrs)) {
    for (const instance of instances) {
      const previous = findInstance(attrs, name, instance.datasetId);
      if (isNgsiLdNull(instance)) {
        // Nothing to delete is not an error of the request, but nothing was updated either.
        if (previous === undefined) {
          report.markNotUpdated(name, withDataset(MISSING, instance.datasetId));
          continue;
        }
        attrs = withoutInstance(attrs, name, instance.datasetId);
      } else if (previous === undefined && !options.appendMissing) {
        report.markNotUpdated(name, withDataset(MISSING, instance.datasetId));
        continue;
      } else {
        attrs = withInstance(attrs, name, stampReplacement(instance, previous, options.now));
      }
      report.markUpdated(name);
      changed = true;
    }
  }

  const type = addTypes(entity.type, fragment.type);
  let scope = entity.scope;
  if (fragment.scope !== undefined) {
    // entities.md §8: the scope is replaced only when the entity already has one.
    if (entity.scope === undefined) {
      report.markNotUpdated(SCOPE_IRI, 'the entity has no scope to update');
    } else {
      scope = fragment.scope ?? undefined;
      changed = true;
    }
  }
  changed ||= type !== entity.type;
  return {
    entity: changed ? withEntityChanges(entity, { type, scope, attrs }, options.now) : entity,
    result: report.result(),
  };
}
