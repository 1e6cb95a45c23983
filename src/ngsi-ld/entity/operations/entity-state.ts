/**
 * Whole-entity writes: Create Entity (NGSI-LD 5.6.1, entities.md §3), Replace Entity
 * (5.6.18, §6) and the per-entity step of batch upsert (5.6.8, §13).
 */
import type { Entity } from '../../model.js';
import { stampAttributeMap } from './attribute-instances.js';
import { assertNoNgsiLdNull, assertSameEntity } from './entity-members.js';
import { updateAttributes } from './update-attributes.js';
import type { UpdateResult } from './update-result.js';

/** An entity as parsed from a body: system timestamps are the broker's to set. */
export type ParsedEntity = Omit<Entity, 'createdAt' | 'modifiedAt'>;

/**
 * A new entity: createdAt = modifiedAt = now on the entity and on every attribute instance
 * and sub-attribute; client-supplied timestamps are ignored (pitfalls.md 10). Throws 400 on
 * NGSI-LD Null (data-model.md §4; the parser refuses it first).
 */
export function createEntityState(parsed: ParsedEntity, now: string): Entity {
  assertNoNgsiLdNull(parsed.attrs, 'Create Entity');
  return buildEntity(parsed, now, now);
}

export interface ReplaceEntityOptions {
  now: string;
}

/**
 * Replace Entity: types, scope and attributes all come from `replacement`; the entity keeps
 * its createdAt (pitfalls.md 10, 16). Decision: the attributes are new instances (createdAt =
 * now) even when an attribute of the same name existed — the clause replaces all attributes,
 * and Stellio likewise deletes and re-creates them. Replace Attribute, by contrast, keeps the
 * instance's createdAt. Throws 400 when the body's id differs or it holds NGSI-LD Null.
 */
export function replaceEntity(
  entity: Entity,
  replacement: ParsedEntity,
  options: ReplaceEntityOptions,
): Entity {
  assertSameEntity(entity, replacement.id);
  assertNoNgsiLdNull(replacement.attrs, 'Replace Entity');
  return buildEntity(replacement, entity.createdAt, options.now);
}

export interface UpsertOptions {
  /** `options=replace` (default of the endpoint) or `options=update`. */
  mode: 'replace' | 'update';
  now: string;
  /** Passed on to Update Attributes in `update` mode (see UpdateOptions.appendMissing). */
  appendMissing: boolean;
}

export interface UpsertOutcome {
  entity: Entity;
  created: boolean;
  /** Per attribute; created and replaced entities list every attribute as updated. */
  result: UpdateResult;
}

/**
 * Batch upsert of one entity (entities.md §13): absent → created; present → replaced, or with
 * `mode: 'update'` Update Attributes semantics (types added, absent attributes kept —
 * pitfalls.md 16).
 */
export function upsertEntity(
  current: Entity | undefined,
  parsed: ParsedEntity,
  options: UpsertOptions,
): UpsertOutcome {
  if (current === undefined) {
    const entity = createEntityState(parsed, options.now);
    return { entity, created: true, result: everyAttribute(entity) };
  }
  if (options.mode === 'replace') {
    const entity = replaceEntity(current, parsed, options);
    return { entity, created: false, result: everyAttribute(entity) };
  }
  const fragment = { id: parsed.id, type: parsed.type, scope: parsed.scope, attrs: parsed.attrs };
  const { entity, result } = updateAttributes(current, fragment, options);
  return { entity, created: false, result };
}

function buildEntity(parsed: ParsedEntity, createdAt: string, now: string): Entity {
  const entity: Entity = {
    id: parsed.id,
    type: [...new Set(parsed.type)],
    createdAt,
    modifiedAt: now,
    attrs: stampAttributeMap(parsed.attrs, undefined, now),
  };
  if (parsed.scope !== undefined && parsed.scope.length > 0)
    entity.scope = [...new Set(parsed.scope)];
  return entity;
}

function everyAttribute(entity: Entity): UpdateResult {
  return { updated: Object.keys(entity.attrs), notUpdated: [] };
}
