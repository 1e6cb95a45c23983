/**
 * Renders one attribute (all its instances) for a response: normalized, concise or
 * simplified (NGSI-LD 4.5, 5.2.x; data-model.md §5), with names and @vocab values compacted
 * through the request's @context. Values are returned as stored (never expanded/compacted).
 */
import { omitMembers } from '../omit-members.js';
import { isGeometryLike } from '../geo/geojson.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { PAYLOAD_MEMBER, type Attribute, type JsonValue } from '../model.js';
import { isPlainObject } from './json-value.js';
import { pickLanguage, type LanguagePreference } from './language-filter.js';

export type RepresentationFormat = 'normalized' | 'concise' | 'simplified';

export interface AttributeRenderOptions {
  format: RepresentationFormat;
  /** Add createdAt/modifiedAt to every instance and sub-attribute (not in simplified). */
  sysAttrs: boolean;
  /** `lang`: LanguageProperties become Properties in the chosen language (query.md §9). */
  lang?: LanguagePreference;
}

/**
 * One attribute: an instance renders as an object (or a bare value in concise/simplified),
 * several as an array (simplified: `{"dataset": {"@none": …, "<datasetId>": …}}`).
 */
export function renderAttribute(
  instances: Attribute[],
  ctx: JsonLdContext,
  options: AttributeRenderOptions,
): unknown {
  if (options.format === 'simplified') return renderSimplifiedAttribute(instances, ctx, options);
  const [only] = instances;
  if (only !== undefined && instances.length === 1)
    return renderInstance(only, ctx, options, false);
  return instances.map((instance) => renderInstance(instance, ctx, options, true));
}

/**
 * Simplified output of several instances, or of one that is not the default instance,
 * uses the dataset map (NGSI-LD 4.5.x keyValues, data-model.md §5.2) so that the datasetId
 * is not lost; Orion-LD does the same for multi-instance attributes.
 */
function renderSimplifiedAttribute(
  instances: Attribute[],
  ctx: JsonLdContext,
  options: AttributeRenderOptions,
): unknown {
  const [only] = instances;
  if (only !== undefined && instances.length === 1 && only.datasetId === undefined) {
    return simplifiedValue(only, ctx, options);
  }
  const dataset: Record<string, unknown> = {};
  for (const instance of instances) {
    dataset[instance.datasetId ?? '@none'] = simplifiedValue(instance, ctx, options);
  }
  return { dataset };
}

/** One instance in normalized or concise form; `inArray` forbids bare concise values. */
export function renderInstance(
  instance: Attribute,
  ctx: JsonLdContext,
  options: AttributeRenderOptions,
  inArray: boolean,
): unknown {
  const normalized = renderNormalized(instance, ctx, options);
  return options.format === 'concise' ? toConcise(normalized, inArray) : normalized;
}

function renderNormalized(
  instance: Attribute,
  ctx: JsonLdContext,
  options: AttributeRenderOptions,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const choice =
    instance.type === 'LanguageProperty' && options.lang && instance.languageMap
      ? pickLanguage(instance.languageMap, options.lang)
      : undefined;
  if (choice) {
    out['type'] = 'Property';
    out['value'] = choice.value;
    out['lang'] = choice.tag;
  } else {
    out['type'] = instance.type;
    const member = PAYLOAD_MEMBER[instance.type];
    const payload = member === 'vocab' ? compactVocab(instance.vocab, ctx) : instance[member];
    if (payload !== undefined) out[member] = payload;
  }
  if (instance.datasetId !== undefined) out['datasetId'] = instance.datasetId;
  if (instance.observedAt !== undefined) out['observedAt'] = instance.observedAt;
  if (instance.unitCode !== undefined) out['unitCode'] = instance.unitCode;
  if (instance.valueType !== undefined) out['valueType'] = ctx.compactIri(instance.valueType);
  if (instance.objectType !== undefined) out['objectType'] = compactVocab(instance.objectType, ctx);
  if (instance.expiresAt !== undefined) out['expiresAt'] = instance.expiresAt;
  if (options.sysAttrs) {
    if (instance.createdAt !== undefined) out['createdAt'] = instance.createdAt;
    if (instance.modifiedAt !== undefined) out['modifiedAt'] = instance.modifiedAt;
  }
  if (instance.attrs !== undefined) {
    for (const [iri, subInstances] of Object.entries(instance.attrs)) {
      out[compactName(iri, out, ctx)] = renderAttribute(subInstances, ctx, options);
    }
  }
  return out;
}

/**
 * Concise form (NGSI-LD 4.5.x, data-model.md §5.3): drop `type` wherever the concise
 * inference of §5.4 recovers it, and collapse a bare Property to its value when that is
 * unambiguous, so that parsing the output gives the same attribute back (lossless).
 */
function toConcise(normalized: Record<string, unknown>, inArray: boolean): unknown {
  const type = normalized['type'];
  const rest = omitMembers(normalized, ['type']);
  const keys = Object.keys(rest);
  if (type === 'Property') {
    const value = rest['value'];
    if (!('value' in rest)) return normalized;
    if (keys.length === 1 && !inArray && isBareSafe(value)) return value;
    // A geometry-looking value would be re-read as a GeoProperty (pitfalls.md 5).
    return isPlainObject(value) && isGeometryLike(value) ? normalized : rest;
  }
  if (type === 'GeoProperty') {
    const value = rest['value'];
    if (!isPlainObject(value) || !isGeometryLike(value)) return normalized;
    return keys.length === 1 ? value : rest;
  }
  // The other kinds are recognised by their payload member (§5.4 step 3.3).
  return typeof type === 'string' && PAYLOAD_MEMBER_NAMES.has(firstPayload(rest))
    ? rest
    : normalized;
}

const PAYLOAD_MEMBER_NAMES: ReadonlySet<string> = new Set(
  Object.entries(PAYLOAD_MEMBER)
    .filter(([kind]) => kind !== 'Property' && kind !== 'GeoProperty')
    .map(([, member]) => member),
);

function firstPayload(rest: Record<string, unknown>): string {
  return Object.keys(rest).find((key) => PAYLOAD_MEMBER_NAMES.has(key)) ?? '';
}

/**
 * A Property value can stand alone in concise form when re-reading it gives a Property
 * with that value: scalars, and arrays that are not (empty or) all objects (§5.4 step 1).
 */
function isBareSafe(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && !value.every(isPlainObject);
  return value !== null && typeof value !== 'object';
}

/** Simplified/keyValues value of one instance (data-model.md §2 last column). */
function simplifiedValue(
  instance: Attribute,
  ctx: JsonLdContext,
  options: AttributeRenderOptions,
): unknown {
  switch (instance.type) {
    case 'Property':
    case 'GeoProperty':
      return instance.value;
    case 'Relationship':
      return instance.object;
    case 'ListRelationship':
      return instance.objectList;
    case 'ListProperty':
      return instance.valueList;
    case 'LanguageProperty': {
      const map = instance.languageMap ?? {};
      if (options.lang) return pickLanguage(map, options.lang)?.value;
      return { languageMap: map };
    }
    case 'VocabProperty':
      return { vocab: compactVocab(instance.vocab, ctx) };
    case 'JsonProperty':
      return { json: instance.json };
  }
}

function compactVocab(
  value: string | string[] | undefined,
  ctx: JsonLdContext,
): JsonValue | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map((iri) => ctx.compactIri(iri)) : ctx.compactIri(value);
}

/**
 * The compacted member name for `iri`, or the IRI itself when the compacted term would
 * collide with a member already written (two IRIs compacting alike must both survive).
 */
export function compactName(
  iri: string,
  taken: Record<string, unknown>,
  ctx: JsonLdContext,
): string {
  const name = ctx.compactIri(iri);
  return Object.hasOwn(taken, name) ? iri : name;
}
