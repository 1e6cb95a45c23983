/**
 * Instances of one attribute, told apart by datasetId (NGSI-LD 4.5.5, data-model.md §3),
 * and the system timestamps they carry (NGSI-LD 4.8, data-model.md §9). Every function
 * returns new objects; inputs are never mutated.
 */
import { omitMembers } from '../../omit-members.js';
import type { Attribute, AttributeMap, Entity } from '../../model.js';
import { resourceNotFound } from '../../problem-details.js';
import { isNgsiLdNull } from '../entity-fragment.js';

/** `"@none"` on input also names the default instance (data-model.md §3). */
export function normalizeDatasetId(datasetId: string | undefined): string | undefined {
  return datasetId === '@none' ? undefined : datasetId;
}

function sameDataset(instance: Attribute, datasetId: string | undefined): boolean {
  return normalizeDatasetId(instance.datasetId) === normalizeDatasetId(datasetId);
}

/** The instance with this datasetId (the default instance when `datasetId` is undefined). */
export function findInstance(
  attrs: AttributeMap,
  name: string,
  datasetId: string | undefined,
): Attribute | undefined {
  return attrs[name]?.find((instance) => sameDataset(instance, datasetId));
}

/** Like findInstance, but a missing attribute or instance is a 404 (NGSI-LD 5.6.4, 5.6.19). */
export function requireInstance(
  entity: Entity,
  name: string,
  datasetId: string | undefined,
): Attribute {
  if (entity.attrs[name] === undefined) {
    throw resourceNotFound(`Entity ${entity.id} has no attribute ${name}`, entity.id);
  }
  const instance = findInstance(entity.attrs, name, datasetId);
  if (instance === undefined) throw instanceNotFound(entity, name, datasetId);
  return instance;
}

export function instanceNotFound(entity: Entity, name: string, datasetId: string | undefined) {
  const dataset = normalizeDatasetId(datasetId);
  const which =
    dataset === undefined ? 'no default instance' : `no instance with datasetId ${dataset}`;
  return resourceNotFound(`Attribute ${name} of entity ${entity.id} has ${which}`, entity.id);
}

/** Puts `instance` under `name`, replacing the instance with the same datasetId in place. */
export function withInstance(attrs: AttributeMap, name: string, instance: Attribute): AttributeMap {
  const instances = attrs[name] ?? [];
  const index = instances.findIndex((existing) => sameDataset(existing, instance.datasetId));
  const next =
    index === -1
      ? [...instances, instance]
      : instances.map((existing, at) => (at === index ? instance : existing));
  return { ...attrs, [name]: next };
}

/** Removes one instance; the attribute key goes away with its last instance. */
export function withoutInstance(
  attrs: AttributeMap,
  name: string,
  datasetId: string | undefined,
): AttributeMap {
  const remaining = (attrs[name] ?? []).filter((instance) => !sameDataset(instance, datasetId));
  return withInstances(attrs, name, remaining);
}

/** Sets the instances of `name`; an empty list removes the attribute (AttributeMap invariant). */
export function withInstances(
  attrs: AttributeMap,
  name: string,
  instances: Attribute[],
): AttributeMap {
  if (instances.length > 0) return { ...attrs, [name]: instances };
  const { [name]: _removed, ...rest } = attrs;
  return rest;
}

/** A brand-new instance: createdAt = modifiedAt = now, down through its sub-attributes. */
export function stampNew(instance: Attribute, now: string): Attribute {
  return stampReplacement(instance, undefined, now);
}

/**
 * `next` takes the place of `previous` as a whole. createdAt never changes after creation
 * (NGSI-LD 4.8), so it is taken from `previous` — and, for sub-attributes, from the
 * previous sub-attribute instance of the same name and datasetId. Client-supplied
 * timestamps are ignored (pitfalls.md 10); NGSI-LD Null sub-attributes are dropped.
 */
export function stampReplacement(
  next: Attribute,
  previous: Attribute | undefined,
  now: string,
): Attribute {
  const { datasetId, attrs } = next;
  const stamped = omitMembers(next, ['createdAt', 'modifiedAt', 'datasetId', 'attrs']) as Attribute;
  const dataset = normalizeDatasetId(datasetId);
  if (dataset !== undefined) stamped.datasetId = dataset;
  if (attrs !== undefined) {
    const subAttributes = stampAttributeMap(attrs, previous?.attrs, now);
    if (Object.keys(subAttributes).length > 0) stamped.attrs = subAttributes;
  }
  stamped.createdAt = previous?.createdAt ?? now;
  stamped.modifiedAt = now;
  return stamped;
}

/** stampReplacement for every instance of a map (`previous` supplies kept createdAt values). */
export function stampAttributeMap(
  attrs: AttributeMap,
  previous: AttributeMap | undefined,
  now: string,
): AttributeMap {
  const stamped: AttributeMap = {};
  for (const [name, instances] of Object.entries(attrs)) {
    const kept = instances
      .filter((instance) => !isNgsiLdNull(instance))
      .map((instance) =>
        stampReplacement(
          instance,
          previous && findInstance(previous, name, instance.datasetId),
          now,
        ),
      );
    if (kept.length > 0) stamped[name] = kept;
  }
  return stamped;
}
