/**
 * Deep merge of one attribute instance (NGSI-LD 5.5.12, 5.6.17; entities.md §5): members the
 * fragment carries overwrite, members it omits stay (unitCode survives), JSON-object values
 * are merged key by key as in RFC 7396 with "urn:ngsi-ld:null" in place of null, and
 * sub-attributes are merged recursively.
 */
import {
  NGSI_LD_NULL,
  PAYLOAD_MEMBER,
  type Attribute,
  type AttributeKind,
  type AttributeMap,
  type JsonObject,
  type JsonValue,
} from '../../model.js';
import { badRequestData } from '../../problem-details.js';
import { isNgsiLdNull } from '../entity-fragment.js';
import { findInstance, stampNew, withInstance, withoutInstance } from './attribute-instances.js';
import { overwriteOptionalMembers, payloadOf, setPayload } from './attribute-members.js';
import { coerceToKind } from './kind-coercion.js';

export interface MergeContext {
  now: string;
  /** `lang=` parameter (only for top-level attributes). */
  lang?: string | undefined;
  /** keyValues/simplified body (only top-level attributes can be bare values). */
  simplified?: boolean | undefined;
  /** `observedAt=` parameter (only for top-level attributes). */
  observedAt?: string | undefined;
}

/**
 * Merges the instances of `patch` into `attrs`: NGSI-LD Null deletes an instance (and is
 * ignored when there is none), an absent instance is added, a present one deep-merged.
 * `onTouched` hears every attribute name that changed. `path` prefixes names in errors.
 */
export function mergeAttributeMap(
  attrs: AttributeMap,
  patch: AttributeMap,
  context: MergeContext,
  onTouched: (name: string) => void = () => undefined,
  path = '',
): AttributeMap {
  let merged = attrs;
  for (const [name, instances] of Object.entries(patch)) {
    for (const instance of instances) {
      const previous = findInstance(merged, name, instance.datasetId);
      if (isNgsiLdNull(instance)) {
        if (previous === undefined) continue;
        merged = withoutInstance(merged, name, instance.datasetId);
      } else if (previous === undefined) {
        // Only an existing attribute keeps what a fragment leaves out.
        if (payloadOf(instance) === undefined) {
          throw badRequestData(
            `attribute '${path}${name}': a new ${instance.type} needs '${PAYLOAD_MEMBER[instance.type]}'`,
          );
        }
        merged = withInstance(merged, name, stampNew(instance, context.now));
      } else {
        const next = mergeInstance(previous, instance, `${path}${name}`, context);
        merged = withInstance(merged, name, next);
      }
      onTouched(name);
    }
  }
  return merged;
}

/** `fragment` merged into `previous`; createdAt kept, modifiedAt = now. */
export function mergeInstance(
  previous: Attribute,
  fragment: Attribute,
  name: string,
  context: MergeContext,
): Attribute {
  const patch = coerceToKind(fragment, previous.type, {
    name,
    lang: context.lang,
    simplified: context.simplified,
  });
  const merged: Attribute = { ...previous };
  const payload = payloadOf(patch);
  if (payload !== undefined) {
    setPayload(
      merged,
      PAYLOAD_MEMBER[previous.type],
      mergePayload(previous.type, payloadOf(previous), payload),
    );
  }
  overwriteOptionalMembers(merged, patch);
  // entities.md §5: observedAt= refreshes attributes that had one when the body gives none.
  if (
    context.observedAt !== undefined &&
    previous.observedAt !== undefined &&
    patch.observedAt === undefined
  ) {
    merged.observedAt = context.observedAt;
  }
  if (patch.attrs !== undefined) {
    const subAttributes = mergeAttributeMap(
      previous.attrs ?? {},
      patch.attrs,
      { now: context.now },
      undefined,
      `${name} > `,
    );
    if (Object.keys(subAttributes).length > 0) merged.attrs = subAttributes;
    else delete merged.attrs;
  }
  merged.modifiedAt = context.now;
  return merged;
}

/**
 * Property values and language maps are JSON objects merged key by key; every other payload
 * (geometries, URIs, lists, vocab, and JsonProperty's raw JSON, which is opaque —
 * pitfalls.md 5) is replaced as it is.
 */
function mergePayload(
  kind: AttributeKind,
  previous: JsonValue | undefined,
  patch: JsonValue,
): JsonValue {
  return kind === 'Property' || kind === 'LanguageProperty'
    ? applyMergePatch(previous, patch)
    : patch;
}

/** RFC 7396 MergePatch with NGSI-LD Null (or a stray JSON null) as the removal marker. */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === NGSI_LD_NULL || value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
