/**
 * The non-attribute members of an entity as write operations treat them: `id` (must match),
 * `type` (only added, except by Replace Entity) and `scope` (NGSI-LD 4.18), plus the entity
 * modifiedAt stamp. pitfalls.md 11.
 */
import type { AttributeMap, Entity } from '../../model.js';
import { badRequestData } from '../../problem-details.js';
import { isNgsiLdNull } from '../entity-fragment.js';

/** Expanded IRI of `scope` in the core context; used to report on the scope member. */
export const SCOPE_IRI = 'https://uri.etsi.org/ngsi-ld/scope';

/** A body's `id`, when present, must name the target entity (entities.md §5, §6). */
export function assertSameEntity(entity: Entity, bodyId: string | undefined): void {
  if (bodyId !== undefined && bodyId !== entity.id) {
    throw badRequestData(`The body's id ${bodyId} differs from the target entity ${entity.id}`);
  }
}

/** `scope` is not an attribute: the single-attribute operations refuse it (entities.md §9, §10). */
export function assertNotScope(attrIri: string, operation: string): void {
  if (attrIri === SCOPE_IRI || attrIri === 'scope') {
    throw badRequestData(`${operation} cannot target scope: it is not an attribute`);
  }
}

/** NGSI-LD Null is refused outside update/merge fragments (data-model.md §4), at any depth. */
export function assertNoNgsiLdNull(attrs: AttributeMap, operation: string, path = ''): void {
  for (const [name, instances] of Object.entries(attrs)) {
    for (const instance of instances) {
      if (isNgsiLdNull(instance)) {
        throw badRequestData(
          `${operation}: NGSI-LD Null is not allowed (attribute ${path}${name})`,
        );
      }
      if (instance.attrs) assertNoNgsiLdNull(instance.attrs, operation, `${path}${name} > `);
    }
  }
}

/** `types` plus the ones of `added` it lacks; the same array when nothing is new. */
export function addTypes(types: string[], added: string[] | undefined): string[] {
  const missing = (added ?? []).filter(
    (type, at, all) => !types.includes(type) && all.indexOf(type) === at,
  );
  return missing.length === 0 ? types : [...types, ...missing];
}

/** Append with noOverwrite adds the new scopes to the existing ones (entities.md §7). */
export function unionScopes(scope: string[] | undefined, added: string[]): string[] {
  const current = scope ?? [];
  return [...current, ...added.filter((s, at) => !current.includes(s) && added.indexOf(s) === at)];
}

export interface EntityChanges {
  type: string[];
  /** Undefined or empty: the entity has no scope. */
  scope: string[] | undefined;
  attrs: AttributeMap;
}

/** The next state of `entity` after a write: createdAt kept, modifiedAt = now (NGSI-LD 4.8). */
export function withEntityChanges(entity: Entity, changes: EntityChanges, now: string): Entity {
  const { scope: _scope, ...members } = entity;
  const next: Entity = { ...members, type: changes.type, attrs: changes.attrs, modifiedAt: now };
  if (changes.scope !== undefined && changes.scope.length > 0) next.scope = changes.scope;
  return next;
}
