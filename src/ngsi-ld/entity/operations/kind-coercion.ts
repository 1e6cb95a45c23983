/**
 * Keeping an existing attribute's kind when a fragment could not say it (NGSI-LD 5.6.17,
 * data-model.md §5.4/§5.5): a keyValues ("simplified") merge body carries bare values, which
 * the parser can only read as Property (or GeoProperty for a geometry). When the attribute
 * already exists, the bare value is poured into the existing kind's payload member; a value
 * that does not fit that kind, or an explicit different kind, is a 400.
 */
import {
  PAYLOAD_MEMBER,
  type Attribute,
  type AttributeKind,
  type GeometryType,
  type JsonValue,
} from '../../model.js';
import { badRequestData } from '../../problem-details.js';
import { deletePayload, payloadOf, setPayload } from './attribute-members.js';

export interface CoercionContext {
  /** Attribute name for error messages (expanded IRI, or a path for sub-attributes). */
  name: string;
  /** Merge `lang=` parameter: a string updates this key of a LanguageProperty. */
  lang?: string | undefined;
  /** The body was keyValues/simplified: every top-level value is a bare value. */
  simplified?: boolean | undefined;
}

/** `fragment` re-expressed as an instance of `kind`, or a 400 when that cannot be done. */
export function coerceToKind(
  fragment: Attribute,
  kind: AttributeKind,
  context: CoercionContext,
): Attribute {
  if (fragment.type === kind) return fragment;
  const bareValue = fragment.type === 'Property' || fragment.type === 'GeoProperty';
  // entities.md §5: with lang=xx a string on an existing LanguageProperty updates key xx.
  const byLanguage = context.lang !== undefined && kind === 'LanguageProperty';
  // A concise geometry-looking value is read as a GeoProperty, but a normalized Property may
  // hold such a value (pitfalls.md 5); the existing Property wins.
  const byInference = fragment.type === 'GeoProperty' && kind === 'Property';
  const payload = payloadOf(fragment);
  if (
    bareValue &&
    payload !== undefined &&
    (context.simplified === true || byLanguage || byInference)
  ) {
    const converted = convertPayload(kind, payload, context.lang);
    if (converted !== undefined) {
      const coerced: Attribute = { ...fragment, type: kind };
      deletePayload(coerced, PAYLOAD_MEMBER[fragment.type]);
      setPayload(coerced, PAYLOAD_MEMBER[kind], converted);
      return coerced;
    }
  }
  throw badRequestData(
    `Attribute ${context.name} is a ${kind}; this operation cannot turn it into a ${fragment.type} ` +
      `(a value of the existing kind is required; Replace Attribute changes the kind)`,
  );
}

/** The bare value as `kind`'s payload, or undefined when it does not fit that kind. */
function convertPayload(kind: AttributeKind, value: JsonValue, lang: string | undefined): unknown {
  switch (kind) {
    case 'Property':
      return value;
    case 'GeoProperty':
      return asGeometry(value);
    case 'Relationship':
      return isUri(value) || isUriList(value) ? value : undefined;
    case 'ListRelationship':
      return Array.isArray(value) && value.every(isUri) ? value : undefined;
    case 'ListProperty':
      return Array.isArray(value) ? value : undefined;
    case 'LanguageProperty':
      return isText(value) ? { [lang ?? '@none']: value } : undefined;
    case 'VocabProperty':
      // Terms cannot be expanded here (no @context); only full IRIs are taken as they are.
      return isUri(value) || isUriList(value) ? value : undefined;
    case 'JsonProperty':
      return typeof value === 'object' && value !== null ? value : undefined;
  }
}

const GEOMETRY_TYPES: ReadonlySet<string> = new Set<GeometryType>([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
]);

/** A geometry object, or one serialized as a JSON string (data-model.md §2 GeoProperty). */
function asGeometry(value: JsonValue): JsonValue | undefined {
  let candidate: unknown = value;
  if (typeof value === 'string') {
    try {
      candidate = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate))
    return undefined;
  const geometry = candidate as Record<string, unknown>;
  const shaped =
    typeof geometry.type === 'string' &&
    GEOMETRY_TYPES.has(geometry.type) &&
    Array.isArray(geometry.coordinates);
  return shaped ? (candidate as JsonValue) : undefined;
}

function isUri(value: JsonValue): value is string {
  return typeof value === 'string' && URL.canParse(value);
}

function isUriList(value: JsonValue): boolean {
  return Array.isArray(value) && value.length > 0 && value.every(isUri);
}

function isText(value: JsonValue): boolean {
  return (
    typeof value === 'string' ||
    (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
  );
}
