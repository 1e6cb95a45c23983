/**
 * Reads one attribute from a request body into `Attribute` instances (NGSI-LD 4.5, 5.2.5
 * and the concise/simplified forms of 4.5.x; data-model.md §2–§5). Names come out
 * expanded; values stay opaque. Sub-attributes recurse with a depth bound.
 */
import { isGeometryLike } from '../geo/geojson.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import {
  ATTRIBUTE_KINDS,
  PAYLOAD_MEMBER,
  type Attribute,
  type AttributeKind,
  type AttributeMap,
} from '../model.js';
import { badRequestData } from '../problem-details.js';
import { isNgsiLdNull } from './entity-fragment.js';
import { parseGeoValue, parsePayload } from './attribute-payload.js';
import { IGNORED_MEMBERS, METADATA_MEMBERS, parseMetadata } from './attribute-metadata.js';
import { assertJsonValue, isPlainObject } from './json-value.js';
import { assertAttributeName, describe } from './names.js';

/** Deepest sub-attribute nesting accepted (a top-level attribute is level 0). */
export const MAX_SUB_ATTRIBUTE_DEPTH = 32;

export interface AttributeParseOptions {
  /** NGSI-LD Null payloads are allowed (Update Attributes, Partial Attribute Update, Merge). */
  allowNull: boolean;
  /** keyValues input (Merge with format=simplified): every value is a Property's value. */
  simplified?: boolean;
  /** Partial Attribute Update: a normalized fragment may omit its payload member. */
  partial?: boolean;
  /**
   * Merge Entity: an instance with an explicit `type` may omit its payload member, since
   * members a merge fragment leaves out are kept (entities.md §5).
   */
  payloadOptional?: boolean;
}

/** Predefined GeoProperties (NGSI-LD 4.7): these names must hold GeoProperties. */
export const PREDEFINED_GEO_PROPERTIES: ReadonlySet<string> = new Set([
  'https://uri.etsi.org/ngsi-ld/location',
  'https://uri.etsi.org/ngsi-ld/observationSpace',
  'https://uri.etsi.org/ngsi-ld/operationSpace',
]);

const KIND_NAMES: ReadonlySet<string> = new Set(ATTRIBUTE_KINDS);
const PAYLOAD_MEMBERS: ReadonlySet<string> = new Set(Object.values(PAYLOAD_MEMBER));

/** Concise inference, step 3.3 (data-model.md §5.4): a payload member names the kind. */
const KIND_BY_MEMBER: ReadonlyArray<[string, AttributeKind]> = [
  ['object', 'Relationship'],
  ['objectList', 'ListRelationship'],
  ['languageMap', 'LanguageProperty'],
  ['vocab', 'VocabProperty'],
  ['json', 'JsonProperty'],
  ['valueList', 'ListProperty'],
];

/**
 * Parses the value of attribute `path` (as written, for messages; `iri` expanded) into its
 * instances: one, or several for a multi-attribute (data-model.md §3).
 */
export function parseAttribute(
  path: string,
  iri: string,
  raw: unknown,
  ctx: JsonLdContext,
  options: AttributeParseOptions,
  depth = 0,
): Attribute[] {
  const where = `attribute '${path}'`;
  if (depth > MAX_SUB_ATTRIBUTE_DEPTH) {
    throw badRequestData(
      `${where}: sub-attributes nested deeper than ${MAX_SUB_ATTRIBUTE_DEPTH} levels`,
    );
  }
  if (raw === null || raw === undefined) {
    throw badRequestData(`${where}: null is not a valid value (use 'urn:ngsi-ld:null' to delete)`);
  }
  if (options.simplified) {
    const geo = PREDEFINED_GEO_PROPERTIES.has(iri) || (isPlainObject(raw) && isGeometryLike(raw));
    return [finish(valueInstance(raw, geo, where, options), where, options)];
  }
  // Concise step 1: an array of objects is a list of instances; any other array is a value.
  if (Array.isArray(raw) && raw.length > 0 && raw.every(isPlainObject)) {
    const instances = raw.map((item) => parseInstance(path, iri, item, ctx, options, depth));
    assertDistinctInstances(instances, where);
    return instances;
  }
  return [parseInstance(path, iri, raw, ctx, options, depth)];
}

/** Checks the datasetId rules of one attribute's instances (data-model.md §3). */
export function assertDistinctInstances(instances: Attribute[], where: string): void {
  const seen = new Set<string>();
  for (const instance of instances) {
    const key = instance.datasetId ?? '@none';
    if (seen.has(key)) {
      throw badRequestData(
        instance.datasetId === undefined
          ? `${where}: more than one default instance (without datasetId)`
          : `${where}: datasetId '${key}' appears more than once`,
      );
    }
    seen.add(key);
  }
}

/** Adds `instances` of `iri` to `map`, enforcing the datasetId rules on the merged list. */
export function addInstances(
  map: AttributeMap,
  iri: string,
  instances: Attribute[],
  where: string,
): void {
  const merged = [...(map[iri] ?? []), ...instances];
  assertDistinctInstances(merged, where);
  map[iri] = merged;
}

function parseInstance(
  path: string,
  iri: string,
  raw: unknown,
  ctx: JsonLdContext,
  options: AttributeParseOptions,
  depth: number,
): Attribute {
  const where = `attribute '${path}'`;
  const geoName = PREDEFINED_GEO_PROPERTIES.has(iri);
  // Concise step 2 (scalars, non-instance arrays) and step 3.5 (other objects) give a
  // Property value; a predefined GeoProperty may also be a geometry given as a string.
  if (!isPlainObject(raw)) {
    return finish(valueInstance(raw, geoName, where, options), where, options);
  }
  const inferred = inferKind(raw, where, options);
  if (inferred === 'geometry' || inferred === 'opaque') {
    const geo = geoName || inferred === 'geometry';
    return finish(valueInstance(raw, geo, where, options), where, options);
  }
  let kind = inferred.kind;
  if (geoName && kind !== 'GeoProperty') {
    if (inferred.explicit || kind !== 'Property') {
      throw badRequestData(`${where}: must be a GeoProperty (NGSI-LD predefined name)`);
    }
    kind = 'GeoProperty';
  }
  return buildInstance(path, kind, raw, ctx, options, depth);
}

type Inference = { kind: AttributeKind; explicit: boolean } | 'geometry' | 'opaque';

/** Concise inference for an object (data-model.md §5.4 step 3). */
function inferKind(
  raw: Record<string, unknown>,
  where: string,
  options: AttributeParseOptions,
): Inference {
  if ('type' in raw) {
    const type = raw['type'];
    if (typeof type === 'string' && KIND_NAMES.has(type)) {
      return { kind: type as AttributeKind, explicit: true };
    }
    if (isGeometryLike(raw)) return 'geometry';
    throw badRequestData(`${where}: unknown attribute type ${describe(type)}`);
  }
  for (const [member, kind] of KIND_BY_MEMBER) {
    if (member in raw) return { kind, explicit: false };
  }
  if ('value' in raw) {
    const value = raw['value'];
    const geo = isPlainObject(value) && isGeometryLike(value);
    return { kind: geo ? 'GeoProperty' : 'Property', explicit: false };
  }
  // A partial fragment such as {"observedAt": …} or {"source": "urn:ngsi-ld:null"} names
  // members and sub-attributes only: reading it as an opaque Property value would overwrite
  // the value. It is payload-less; the update takes the kind of the stored attribute.
  if (options.partial) {
    if (Object.keys(raw).length === 0) throw badRequestData(`${where}: the fragment is empty`);
    return { kind: 'Property', explicit: false };
  }
  return 'opaque';
}

function buildInstance(
  path: string,
  kind: AttributeKind,
  raw: Record<string, unknown>,
  ctx: JsonLdContext,
  options: AttributeParseOptions,
  depth: number,
): Attribute {
  const where = `attribute '${path}'`;
  const payloadMember = PAYLOAD_MEMBER[kind];
  const attribute: Attribute = { type: kind };
  const subAttrs: AttributeMap = {};
  const childOptions = { allowNull: options.allowNull, payloadOptional: options.payloadOptional };
  for (const [key, member] of Object.entries(raw)) {
    if (key === 'type' || IGNORED_MEMBERS.has(key)) continue;
    if (member === null) {
      throw badRequestData(
        `${where}: '${key}' must not be null (use 'urn:ngsi-ld:null' to delete)`,
      );
    }
    if (key === payloadMember) {
      parsePayload(attribute, member, where, ctx, options);
    } else if (PAYLOAD_MEMBERS.has(key)) {
      throw badRequestData(`${where}: a ${kind} cannot carry '${key}'`);
    } else if (METADATA_MEMBERS.has(key)) {
      parseMetadata(attribute, key, member, where, ctx);
    } else {
      assertAttributeName(key, where);
      const subPath = `${path}.${key}`;
      const subIri = ctx.expandTerm(key);
      const instances = parseAttribute(subPath, subIri, member, ctx, childOptions, depth + 1);
      addInstances(subAttrs, subIri, instances, `attribute '${subPath}'`);
    }
  }
  if (!(payloadMember in raw) && !options.partial && !options.payloadOptional) {
    throw badRequestData(`${where}: a ${kind} needs '${payloadMember}'`);
  }
  if (Object.keys(subAttrs).length > 0) attribute.attrs = subAttrs;
  return finish(attribute, where, options);
}

/** A GeoProperty holding the geometry `raw`, or a Property holding the opaque value `raw`. */
function valueInstance(
  raw: unknown,
  geo: boolean,
  where: string,
  options: AttributeParseOptions,
): Attribute {
  if (geo) return { type: 'GeoProperty', value: parseGeoValue(raw, where) };
  const value = assertJsonValue(raw, `${where}: value`, {
    allowNgsiLdNullMembers: options.allowNull,
  });
  return { type: 'Property', value };
}

/** Rejects NGSI-LD Null where the operation does not allow it (errors.md §3). */
function finish(attribute: Attribute, where: string, options: AttributeParseOptions): Attribute {
  if (!options.allowNull && isNgsiLdNull(attribute)) {
    throw badRequestData(
      `${where}: NGSI-LD Null is only allowed in Update Attributes, Partial Attribute Update and Merge`,
    );
  }
  return attribute;
}
