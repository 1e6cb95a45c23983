/**
 * Append Entity Attributes — POST /entities/{id}/attrs (NGSI-LD 5.6.3, entities.md §7).
 * Absent instances are added; present ones are replaced as a whole (createdAt kept) unless
 * noOverwrite, which skips them and reports them in notUpdated (pitfalls.md 15).
 */
import type { Entity } from '../../model.js';
import { isNgsiLdNull, type EntityFragment } from '../entity-fragment.js';
import { findInstance, stampReplacement, withInstance } from './attribute-instances.js';
import {
  SCOPE_IRI,
  addTypes,
  assertSameEntity,
  unionScopes,
  withEntityChanges,
} from './entity-members.js';
import { createUpdateReport, withDataset, type WriteOutcome } from './update-result.js';

export interface AppendOptions {
  /** `options=noOverwrite`: existing instances are left alone. */
  noOverwrite: boolean;
  now: string;
}

const NULL_REFUSED = 'NGSI-LD Null is not allowed in Append Attributes';
const EXISTS = 'attribute already exists and overwrite is not allowed';

export function appendAttributes(
  entity: Entity,
  fragment: EntityFragment,
  options: AppendOptions,
): WriteOutcome {
  assertSameEntity(entity, fragment.id);
  const report = createUpdateReport();
  let attrs = entity.attrs;
  let changed = false;
  for (const [name, instances] of Object.entries(fragment.attrs)) {
    for (const instance of instances) {
      // The parser refuses NGSI-LD Null in append (data-model.md §4); never store one anyway.
      if (isNgsiLdNull(instance)) {
        report.markNotUpdated(name, withDataset(NULL_REFUSED, instance.datasetId));
        continue;
      }
      const previous = findInstance(attrs, name, instance.datasetId);
      if (previous !== undefined && options.noOverwrite) {
        report.markNotUpdated(name, withDataset(EXISTS, instance.datasetId));
        continue;
      }
      attrs = withInstance(attrs, name, stampReplacement(instance, previous, options.now));
      report.markUpdated(name);
      changed = true;
    }
  }

  const type = addTypes(entity.type, fragment.type);
  let scope = entity.scope;
  if (fragment.scope === null) {
    report.markNotUpdated(SCOPE_IRI, NULL_REFUSED);
  } else if (fragment.scope !== undefined) {
    // entities.md §7: overwrite replaces the scope, noOverwrite adds the new scopes.
    scope = options.noOverwrite ? unionScopes(entity.scope, fragment.scope) : fragment.scope;
    changed = true;
  }
  changed ||= type !== entity.type;
  return {
    entity: changed ? withEntityChanges(entity, { type, scope, attrs }, options.now) : entity,
    result: report.result(),
  };
}
