/**
 * What one committed entity change means in NGSI-LD terms (subscriptions.md §6): which
 * notification triggers it fires and which attribute instances it created, updated or
 * deleted. Subscription matching and the temporal history both read changes through this.
 *
 * An attribute instance counts as updated only when something other than its system
 * attributes (createdAt, modifiedAt, of it or its sub-attributes) differs: a new value or
 * a new observedAt is a change, a byte-identical rewrite is not (subscriptions.md §6,
 * "change detection").
 */
import type { Attribute, Entity } from '../model.js';

export type AttributeTrigger = 'attributeCreated' | 'attributeUpdated' | 'attributeDeleted';
export type EntityTrigger = 'entityCreated' | 'entityUpdated' | 'entityDeleted';
export type NotificationTrigger = AttributeTrigger | EntityTrigger;

export const NOTIFICATION_TRIGGERS: readonly NotificationTrigger[] = [
  'entityCreated',
  'entityUpdated',
  'entityDeleted',
  'attributeCreated',
  'attributeUpdated',
  'attributeDeleted',
];

export interface AttributeInstanceChange {
  /** Expanded attribute IRI. */
  attr: string;
  /** Absent for the default instance. */
  datasetId?: string;
  trigger: AttributeTrigger;
  /** The instance before the change (absent when created). */
  previous?: Attribute;
  /** The instance after the change (absent when deleted). */
  current?: Attribute;
}

export interface EntityChangeEvents {
  /** The entity-level trigger: created, deleted, or updated (something else changed). */
  entity: EntityTrigger | undefined;
  /** Attribute instances that changed: attributes in order of the previous state, then new ones. */
  attributes: AttributeInstanceChange[];
  /** Every trigger this change fires (entity-level and attribute-level). */
  triggers: ReadonlySet<NotificationTrigger>;
  /** Expanded names of the attributes that changed. */
  changedAttributes: ReadonlySet<string>;
}

export function describeEntityChange(
  previous: Entity | null,
  current: Entity | null,
): EntityChangeEvents {
  const attributes: AttributeInstanceChange[] = [];
  const before = previous?.attrs ?? {};
  const after = current?.attrs ?? {};
  for (const attr of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = byDatasetId(before[attr]);
    const next = byDatasetId(after[attr]);
    for (const [key, instance] of next) {
      const earlier = old.get(key);
      const datasetId = instance.datasetId;
      if (earlier === undefined)
        attributes.push(
          withDataset({ attr, trigger: 'attributeCreated', current: instance }, datasetId),
        );
      else if (!sameInstance(earlier, instance))
        attributes.push(
          withDataset(
            { attr, trigger: 'attributeUpdated', previous: earlier, current: instance },
            datasetId,
          ),
        );
    }
    for (const [key, instance] of old)
      if (!next.has(key))
        attributes.push(
          withDataset(
            { attr, trigger: 'attributeDeleted', previous: instance },
            instance.datasetId,
          ),
        );
  }
  let entity: EntityTrigger | undefined;
  if (previous === null && current !== null) entity = 'entityCreated';
  else if (current === null && previous !== null) entity = 'entityDeleted';
  else if (
    attributes.length > 0 ||
    !sameMembers(previous?.type, current?.type) ||
    !sameMembers(previous?.scope, current?.scope)
  )
    entity = 'entityUpdated';
  const triggers = new Set<NotificationTrigger>(attributes.map((change) => change.trigger));
  if (entity !== undefined) triggers.add(entity);
  return {
    entity,
    attributes,
    triggers,
    changedAttributes: new Set(attributes.map((change) => change.attr)),
  };
}

function withDataset(
  change: AttributeInstanceChange,
  datasetId: string | undefined,
): AttributeInstanceChange {
  return datasetId === undefined ? change : { ...change, datasetId };
}

function byDatasetId(instances: Attribute[] | undefined): Map<string, Attribute> {
  const map = new Map<string, Attribute>();
  for (const instance of instances ?? []) map.set(instance.datasetId ?? '@none', instance);
  return map;
}

function sameMembers(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((item) => right.includes(item));
}

/** Equal apart from createdAt/modifiedAt of the instance and of its sub-attributes. */
export function sameInstance(a: Attribute, b: Attribute): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (key === 'createdAt' || key === 'modifiedAt') continue;
    const left = (a as unknown as Record<string, unknown>)[key];
    const right = (b as unknown as Record<string, unknown>)[key];
    if (key === 'attrs') {
      if (!sameAttributeMaps(left as Attribute['attrs'], right as Attribute['attrs'])) return false;
    } else if (!deepEqual(left, right)) return false;
  }
  return true;
}

function sameAttributeMaps(a: Attribute['attrs'], b: Attribute['attrs']): boolean {
  const left = a ?? {};
  const right = b ?? {};
  const names = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const name of names) {
    const x = left[name];
    const y = right[name];
    if (x === undefined || y === undefined || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++)
      if (!sameInstance(x[i] as Attribute, y[i] as Attribute)) return false;
  }
  return true;
}

/** Structural equality of JSON values (object member order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => key in right && deepEqual(left[key], right[key]));
}
