/**
 * A parsed entity fragment: the body of Append/Update Attributes, Merge Entity and the
 * batch update/merge operations (NGSI-LD 5.6.2, 5.6.3, 5.6.17). Names are expanded IRIs.
 */
import {
  NGSI_LD_NULL,
  PAYLOAD_MEMBER,
  type Attribute,
  type AttributeMap,
  type JsonValue,
} from '../model.js';

export interface EntityFragment {
  /** Present only when the body carried one (it must equal the target id). */
  id?: string;
  /** Entity types to add (expanded). */
  type?: string[];
  /** New scopes; `null` when the fragment sets scope to NGSI-LD Null. */
  scope?: string[] | null;
  /** Attribute instances; an instance whose payload is NGSI-LD Null marks a deletion. */
  attrs: AttributeMap;
}

/** True when the instance's payload is the NGSI-LD Null (data-model.md §4). */
export function isNgsiLdNull(attribute: Attribute): boolean {
  const payload: JsonValue | undefined = attribute[PAYLOAD_MEMBER[attribute.type]] as
    JsonValue | undefined;
  if (payload === NGSI_LD_NULL) return true;
  if (Array.isArray(payload)) return payload.length === 1 && payload[0] === NGSI_LD_NULL;
  if (attribute.type === 'LanguageProperty' && payload && typeof payload === 'object') {
    const map = payload as Record<string, JsonValue>;
    return Object.keys(map).length === 1 && map['@none'] === NGSI_LD_NULL;
  }
  return false;
}
