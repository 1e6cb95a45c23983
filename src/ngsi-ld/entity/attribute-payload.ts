/**
 * Validates the payload member of one attribute instance, per kind (data-model.md §2,
 * NGSI-LD 4.5.2–4.5.x, pitfalls.md 3–6). The NGSI-LD Null forms pass through here; whether
 * they are allowed is decided by the caller once the instance is complete.
 */
import { parseGeometry } from '../geo/geojson.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { NGSI_LD_NULL, type Attribute, type AttributeKind, type JsonValue } from '../model.js';
import { badRequestData } from '../problem-details.js';
import { assertJsonValue, isPlainObject } from './json-value.js';
import { assertUri, describe } from './names.js';

export interface PayloadOptions {
  allowNull: boolean;
}

/** RFC 5646 language tag (loose form: primary subtag, then any subtags). */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
/** A vocab term or IRI: anything without spaces or control characters. */
const VOCAB_TERM = /^[^\s\p{Cc}]+$/u;

/** Sets the payload member of `attribute` (whose `type` is already known) from `raw`. */
export function parsePayload(
  attribute: Attribute,
  raw: unknown,
  where: string,
  ctx: JsonLdContext,
  options: PayloadOptions,
): void {
  const kind: AttributeKind = attribute.type;
  switch (kind) {
    case 'Property':
      attribute.value = assertJsonValue(raw, `${where}: value`, {
        allowNgsiLdNullMembers: options.allowNull,
      });
      return;
    case 'GeoProperty':
      attribute.value = parseGeoValue(raw, where);
      return;
    case 'Relationship':
      attribute.object = parseObject(raw, where);
      return;
    case 'ListRelationship':
      attribute.objectList = parseObjectList(raw, where);
      return;
    case 'ListProperty':
      if (!Array.isArray(raw)) {
        throw badRequestData(
          `${where}: ListProperty valueList must be an array, got ${describe(raw)}`,
        );
      }
      attribute.valueList = assertJsonValue(raw, `${where}: valueList`, {
        allowNgsiLdNullMembers: options.allowNull,
      }) as JsonValue[];
      return;
    case 'LanguageProperty':
      attribute.languageMap = parseLanguageMap(raw, where);
      return;
    case 'VocabProperty':
      attribute.vocab = parseVocab(raw, where, ctx);
      return;
    case 'JsonProperty':
      attribute.json = parseJson(raw, where);
      return;
  }
}

/**
 * A GeoProperty value: a geometry, possibly serialized as a JSON string (pitfalls.md 4;
 * parseGeometry accepts both and returns the object form), or the NGSI-LD Null.
 */
export function parseGeoValue(raw: unknown, where: string): JsonValue {
  return raw === NGSI_LD_NULL ? raw : (parseGeometry(raw, where) as unknown as JsonValue);
}

function parseObject(raw: unknown, where: string): string | string[] {
  const what = `${where}: Relationship object`;
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw badRequestData(`${what} must not be an empty array`);
    return raw.map((item) => assertUri(item, what));
  }
  return assertUri(raw, what);
}

/** NGSI-LD 4.5.22: an ordered array of URIs; `[{"object": uri}]` is accepted on input. */
function parseObjectList(raw: unknown, where: string): string[] {
  const what = `${where}: ListRelationship objectList`;
  if (!Array.isArray(raw)) {
    throw badRequestData(`${what} must be an array of URIs, got ${describe(raw)}`);
  }
  return raw.map((item: unknown) => {
    if (isPlainObject(item)) {
      const keys = Object.keys(item);
      if (keys.length !== 1 || keys[0] !== 'object') {
        throw badRequestData(`${what} items must be URIs or {"object": URI}`);
      }
      return assertUri(item['object'], what);
    }
    return assertUri(item, what);
  });
}

function parseLanguageMap(raw: unknown, where: string): Record<string, string | string[]> {
  const what = `${where}: LanguageProperty languageMap`;
  if (!isPlainObject(raw)) {
    throw badRequestData(`${what} must be an object, got ${describe(raw)}`);
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) throw badRequestData(`${what} must not be empty`);
  const map: Record<string, string | string[]> = {};
  for (const [tag, text] of entries) {
    if (tag !== '@none' && !LANGUAGE_TAG.test(tag)) {
      throw badRequestData(`${what}: '${tag}' is not a language tag`);
    }
    const valid =
      typeof text === 'string' ||
      (Array.isArray(text) && text.every((item) => typeof item === 'string'));
    if (!valid) {
      throw badRequestData(`${what}: '${tag}' must map to a string or an array of strings`);
    }
    map[tag] = text;
  }
  return map;
}

/** `vocab` is `@type: @vocab` in the core context: each term expands to an IRI. */
function parseVocab(raw: unknown, where: string, ctx: JsonLdContext): string | string[] {
  const what = `${where}: VocabProperty vocab`;
  const expand = (term: unknown): string => {
    if (typeof term !== 'string' || !VOCAB_TERM.test(term)) {
      throw badRequestData(`${what} must be a term or URI, got ${describe(term)}`);
    }
    return term === NGSI_LD_NULL ? term : ctx.expandTerm(term);
  };
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw badRequestData(`${what} must not be an empty array`);
    return raw.map(expand);
  }
  return expand(raw);
}

/**
 * JsonProperty content is an `@json` literal, kept verbatim (NGSI-LD 4.5.24). JSON-LD does
 * not drop `null` inside an `@json` literal, so nulls inside are accepted here.
 */
function parseJson(raw: unknown, where: string): JsonValue {
  if (raw === NGSI_LD_NULL) return raw;
  if (!isPlainObject(raw) && !Array.isArray(raw)) {
    throw badRequestData(
      `${where}: JsonProperty json must be an object or an array, got ${describe(raw)}`,
    );
  }
  return assertJsonValue(raw, `${where}: json`, {
    allowJsonNull: true,
    allowNgsiLdNullMembers: true,
  });
}
