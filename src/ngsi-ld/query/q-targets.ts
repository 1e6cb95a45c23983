/**
 * What a q path addresses in a stored entity (NGSI-LD 4.9, query.md §2.2): the payload of
 * each instance of the attribute (or of a sub-attribute chain), a member such as
 * `observedAt`, or a value inside a JSON value or language map.
 */
import type { Attribute, Entity, JsonValue } from '../model.js';
import type { QPath } from './query.types.js';

export type TargetKind =
  /** Property, ListProperty, LanguageProperty, JsonProperty, GeoProperty payloads. */
  | 'value'
  /** Relationship / ListRelationship targets: only `==` and `!=` apply. */
  | 'relationship'
  /** VocabProperty IRIs: query strings are expanded before comparing. */
  | 'vocab'
  /** observedAt, createdAt, modifiedAt: DateTime strings. */
  | 'temporal';

export interface Target {
  kind: TargetKind;
  value: JsonValue;
}

/** All instances at the end of the sub-attribute chain; any of them may match. */
export function instancesAt(entity: Entity, path: QPath): Attribute[] {
  let instances = entity.attrs[path.attr] ?? [];
  for (const sub of path.subAttrs)
    instances = instances.flatMap((instance) => instance.attrs?.[sub] ?? []);
  return instances;
}

/** ECMAScript-style member access; array elements by index (`list[0]`). */
function walk(value: JsonValue | undefined, keys: readonly string[]): JsonValue | undefined {
  let current = value;
  for (const key of keys) {
    if (current === undefined || current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) current = /^\d+$/.test(key) ? current[Number(key)] : undefined;
    else current = Object.hasOwn(current, key) ? current[key] : undefined;
  }
  return current;
}

/** `name[en]` one language, `name[*]` or `name` every language; strings of all entries. */
function languageValues(
  instance: Attribute,
  keys: readonly string[] | undefined,
): JsonValue | undefined {
  const map = instance.languageMap;
  if (map === undefined) return undefined;
  if (keys === undefined || (keys.length === 1 && keys[0] === '*'))
    return Object.values(map).flat();
  if (keys.length !== 1) return undefined;
  const tag = keys[0] as string;
  return Object.hasOwn(map, tag) ? map[tag] : undefined;
}

/** The target of `path` in one instance, or undefined when it does not exist there. */
export function targetOf(instance: Attribute, path: QPath): Target | undefined {
  if (path.member !== undefined) {
    const member = instance[path.member];
    if (member === undefined) return undefined;
    return {
      kind: path.member === 'unitCode' || path.member === 'datasetId' ? 'value' : 'temporal',
      value: member,
    };
  }
  const keys = path.jsonPath;
  let target: Target | undefined;
  switch (instance.type) {
    case 'Relationship':
    case 'ListRelationship': {
      const object = instance.type === 'Relationship' ? instance.object : instance.objectList;
      if (object !== undefined && keys === undefined)
        target = { kind: 'relationship', value: object };
      break;
    }
    case 'VocabProperty':
      if (instance.vocab !== undefined && keys === undefined)
        target = { kind: 'vocab', value: instance.vocab };
      break;
    case 'LanguageProperty': {
      const value = languageValues(instance, keys);
      if (value !== undefined) target = { kind: 'value', value };
      break;
    }
    default: {
      const payload =
        instance.type === 'ListProperty'
          ? instance.valueList
          : instance.type === 'JsonProperty'
            ? instance.json
            : instance.value;
      const value = keys === undefined ? payload : walk(payload, keys);
      if (value !== undefined) target = { kind: 'value', value };
    }
  }
  return target;
}
